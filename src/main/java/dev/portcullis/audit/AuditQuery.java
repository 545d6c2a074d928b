package dev.portcullis.audit;

import dev.portcullis.events.EventType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A search of the audit store: every filter that is set must match. Returns the {@code limit} most recent
 * matching events, oldest first (so a terminal shows them in the order they happened). {@code io.frame} events
 * match only a search for that type.
 *
 * @param text substring (case-insensitive) of the statement text or its fingerprint
 */
public record AuditQuery(String subject, String group, String target, String decision, String type,
    String session, Instant since, Instant until, String text, int limit) {

  public AuditQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** SQL with numbered parameters and their values, in order. */
  public record Sql(String text, List<Object> parameters) {}

  public Sql toSql() {
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    equal(where, params, "subject", subject);
    if (group != null) {
      params.add(group);
      where.add("$" + params.size() + " = ANY(groups)");
    }
    equal(where, params, "target", target);
    equal(where, params, "decision", decision);
    equal(where, params, "type", type);
    if (type == null) {
      // A shell session records thousands of terminal frames: they would crowd out the statements, so a search
      // shows them only when asked for by type (replay --format asciicast is how they are read).
      where.add("type <> '" + EventType.IO_FRAME + "'");
    }
    if (session != null) {
      params.add(session);
      where.add("starts_with(session_id, $" + params.size() + ")"); // an id prefix, as the table shows it
    }
    if (since != null) {
      params.add(OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
      where.add("time >= $" + params.size());
    }
    if (until != null) {
      params.add(OffsetDateTime.ofInstant(until, ZoneOffset.UTC));
      where.add("time < $" + params.size());
    }
    if (text != null) {
      // strpos, not LIKE: the operator's text needs no escaping of % and _
      params.add(text.toLowerCase(java.util.Locale.ROOT));
      int n = params.size();
      where.add("(strpos(lower(text), $" + n + ") > 0 OR strpos(lower(fingerprint), $" + n + ") > 0)");
    }
    params.add(limit);
    String sql = "SELECT published FROM (SELECT published, time, id FROM audit_events"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY time DESC, id DESC LIMIT $" + params.size() + ") recent ORDER BY time, id";
    return new Sql(sql, params);
  }

  private static void equal(List<String> where, List<Object> params, String column, String value) {
    if (value != null) {
      params.add(value);
      where.add(column + " = $" + params.size());
    }
  }
}
