package dev.portcullis.audit;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One event as the audit store keeps it: the columns searches filter on, the event's JSON (stored as jsonb), and
 * where in Kafka it came from. Columns an event type does not have are {@code null}.
 *
 * @param decision   a statement's decision, or an approval decision's outcome
 * @param error      {@code "<sqlState>: <message>"} of a failed statement
 * @param durationMs a statement's or a session's duration
 */
public record EventRow(String id, Instant time, String type, String sessionId, String gatewayId, String subject,
    List<String> groups, String target, String protocol, String statementId, String decision, String rule,
    String policy, String fingerprint, String text, Long rows, Long durationMs, String error, String json,
    Source source) {

  /** Where the record was read: topic, partition and offset. */
  public record Source(String topic, int partition, long offset) {}

  /** The row for a decoded event; {@code json} is the record's value as received. */
  public static EventRow of(SessionEvent event, String json, Source source) {
    Map<String, Object> d = event.details();
    return new EventRow(event.id(), event.time(), event.type(), event.session().sessionId(),
        event.session().gatewayId(), event.session().identity().subject(), event.session().identity().groups(),
        event.session().target(), event.session().protocol(), string(d, "statementId"), decision(event),
        string(d, "rule"), string(d, "policy"), string(d, "fingerprint"), string(d, "text"), number(d, "rows"),
        number(d, "durationMs"), error(d.get("error")), json, source);
  }

  /** A statement's decision, or an approval decision's outcome ({@code audit search --decision approved}). */
  private static String decision(SessionEvent e) {
    String key = EventType.APPROVAL_DECIDED.equals(e.type()) ? "outcome" : "decision";
    return string(e.details(), key);
  }

  /** The event back, as decoded from the stored JSON. */
  public SessionEvent event() {
    return EventJson.decode(json);
  }

  private static String string(Map<String, Object> d, String key) {
    return d.get(key) instanceof String s ? s : null;
  }

  private static Long number(Map<String, Object> d, String key) {
    return d.get(key) instanceof Number n ? n.longValue() : null;
  }

  private static String error(Object e) {
    if (e instanceof Map<?, ?> m) {
      Object state = m.get("sqlState");
      Object message = m.get("message");
      return (state == null ? "" : state + ": ") + (message == null ? "" : message);
    }
    return e instanceof String s ? s : null;
  }
}
