package dev.portcullis.approval;

import dev.portcullis.events.EventIds;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code approval.requested} and {@code approval.decided} as session events and back
 * ({@code schemas/approval.*.schema.json}). Both carry the requesting session's envelope, so the audit consumer puts
 * them in that session's timeline; the decider is a detail field ({@code decidedBy}).
 */
public final class ApprovalEvents {
  private ApprovalEvents() {}

  public static SessionEvent requested(ApprovalRequest r) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("approvalId", r.approvalId());
    d.put("statementId", r.statementId());
    d.put("text", r.text());
    d.put("fingerprint", r.fingerprint());
    d.put("parameters", r.parameters());
    d.put("digest", r.digest());
    d.put("kinds", r.kinds());
    d.put("tables", r.tables());
    d.put("policy", r.policy());
    d.put("rule", r.rule());
    d.put("reason", r.reason());
    d.put("approverGroups", r.approverGroups());
    d.put("expiresAt", EventJson.formatTime(r.expiresAt()));
    d.put("mode", r.mode().jsonName());
    d.put("grantTtlSeconds", r.grantTtlSeconds());
    return new SessionEvent(EventIds.next(), EventType.APPROVAL_REQUESTED, micros(r.requestedAt()), r.session(), d);
  }

  /** The decision as an event of the requesting session. */
  public static SessionEvent decided(SessionInfo requestingSession, ApprovalDecision decision) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("approvalId", decision.approvalId());
    d.put("digest", decision.digest());
    d.put("outcome", decision.outcome().jsonName());
    if (decision.decidedBy() == null) {
      d.put("decidedBy", null);
    } else {
      Map<String, Object> by = new LinkedHashMap<>();
      by.put("subject", decision.decidedBy().subject());
      by.put("groups", decision.decidedBy().groups());
      by.put("via", decision.decidedBy().via());
      d.put("decidedBy", by);
    }
    d.put("reason", decision.reason());
    return new SessionEvent(EventIds.next(), EventType.APPROVAL_DECIDED, micros(decision.decidedAt()),
        requestingSession, d);
  }

  /** Reads an {@code approval.requested} event back. @throws IllegalArgumentException when it is not one */
  public static ApprovalRequest request(SessionEvent e) {
    expect(e, EventType.APPROVAL_REQUESTED);
    Map<String, Object> d = e.details();
    try {
      return new ApprovalRequest(str(d, "approvalId"), e.session(), str(d, "statementId"), str(d, "text"),
          str(d, "fingerprint"), nullableStrings(d.get("parameters")), str(d, "digest"), strings(d.get("kinds")),
          strings(d.get("tables")), str(d, "policy"), str(d, "rule"), str(d, "reason"),
          strings(d.get("approverGroups")), e.time(), Instant.parse(str(d, "expiresAt")),
          ApprovalRequest.Mode.valueOf(str(d, "mode").toUpperCase(java.util.Locale.ROOT)),
          d.get("grantTtlSeconds") instanceof Number n ? n.longValue() : 0);
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("malformed approval.requested " + e.id() + ": " + ex.getMessage(), ex);
    }
  }

  /** Reads an {@code approval.decided} event back. @throws IllegalArgumentException when it is not one */
  public static ApprovalDecision decision(SessionEvent e) {
    expect(e, EventType.APPROVAL_DECIDED);
    Map<String, Object> d = e.details();
    try {
      ApprovalDecision.Approver by = null;
      if (d.get("decidedBy") instanceof Map<?, ?> m) {
        by = new ApprovalDecision.Approver((String) m.get("subject"), strings(m.get("groups")), (String) m.get("via"));
      }
      return new ApprovalDecision(str(d, "approvalId"), str(d, "digest"),
          ApprovalDecision.Outcome.fromJson(str(d, "outcome")), by, (String) d.get("reason"), e.time());
    } catch (RuntimeException ex) {
      throw new IllegalArgumentException("malformed approval.decided " + e.id() + ": " + ex.getMessage(), ex);
    }
  }

  private static void expect(SessionEvent e, String type) {
    if (!type.equals(e.type())) {
      throw new IllegalArgumentException("expected " + type + ", got " + e.type());
    }
  }

  private static Instant micros(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS);
  }

  private static String str(Map<String, Object> d, String key) {
    Object v = d.get(key);
    return v == null ? null : (String) v;
  }

  private static List<String> strings(Object v) {
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        out.add((String) o);
      }
    }
    return out;
  }

  private static List<String> nullableStrings(Object v) {
    return strings(v); // nulls are kept: a SQL NULL parameter
  }
}
