package dev.portcullis.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision.Outcome;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Approval records through their events and JSON lines and back, as every feed and the chat-bot read them. */
class ApprovalEventsTest {
  private static ApprovalRequest request(ApprovalRequest.Mode mode) {
    Instant at = Instant.parse("2026-12-05T10:00:00.123456Z");
    List<String> values = Arrays.asList("7", null, "", "\\x00ff", "it's");
    String text = "UPDATE t SET a = $2, b = $3, c = $4, d = $5 WHERE id = $1";
    return new ApprovalRequest("a-1", Approvals.session("ci-bot"), "s-ci-bot/4", text, "update t set …", values,
        StatementDigest.of(text, values), List.of("select", "update"), List.of("public.t"), "p", "writes",
        "update on public.t needs approval", List.of("db-owners", "dba"), at, at.plusSeconds(300), mode, 600);
  }

  private static SessionEvent roundTrip(SessionEvent e) {
    SessionEvent back = EventJson.decode(EventJson.encode(e));
    assertEquals(e, back);
    return back;
  }

  @Test
  void requestsComeBackEqualInBothModes() {
    for (ApprovalRequest.Mode mode : ApprovalRequest.Mode.values()) {
      ApprovalRequest r = request(mode);
      SessionEvent e = ApprovalEvents.requested(r);
      assertEquals(EventType.APPROVAL_REQUESTED, e.type());
      assertEquals(r.requestedAt(), e.time());
      assertEquals(r.session(), e.session(), "the requesting session's envelope");
      ApprovalRequest back = ApprovalEvents.request(roundTrip(e));
      assertEquals(r, back);
      assertEquals(Arrays.asList("7", null, "", "\\x00ff", "it's"), back.parameters(), "SQL NULL stays null");
      assertEquals(r.digest(), StatementDigest.of(back.text(), back.parameters()));
    }
  }

  @Test
  void decisionsComeBackEqualWithAndWithoutAnApprover() {
    ApprovalRequest r = request(ApprovalRequest.Mode.HOLD);
    List<ApprovalDecision> decisions = List.of(
        new ApprovalDecision("a-1", r.digest(), Outcome.APPROVED,
            new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"), "ticket OPS-12",
            Instant.parse("2026-12-05T10:01:00.000001Z")),
        new ApprovalDecision("a-1", r.digest(), Outcome.DENIED,
            new ApprovalDecision.Approver("bob", List.of(), "api"), null, Instant.parse("2026-12-05T10:01:00Z")),
        new ApprovalDecision("a-1", r.digest(), Outcome.EXPIRED, null, "no decision within 5m",
            Instant.parse("2026-12-05T10:05:00Z")),
        new ApprovalDecision("a-1", r.digest(), Outcome.WITHDRAWN, null, null,
            Instant.parse("2026-12-05T10:02:00Z")));
    for (ApprovalDecision d : decisions) {
      SessionEvent e = ApprovalEvents.decided(r.session(), d);
      assertEquals(r.session(), e.session(), "the requester's session, not the approver's");
      assertEquals(d, ApprovalEvents.decision(roundTrip(e)));
    }
    JsonObject json = new JsonObject(EventJson.encode(ApprovalEvents.decided(r.session(), decisions.get(3))));
    assertTrue(json.containsKey("decidedBy") && json.getValue("decidedBy") == null, "null is written, not left out");
    assertEquals("withdrawn", json.getString("outcome"));
  }

  @Test
  void timesAreKeptToTheMicrosecond() {
    ApprovalRequest r = request(ApprovalRequest.Mode.HOLD);
    ApprovalDecision d = new ApprovalDecision("a-1", r.digest(), Outcome.EXPIRED, null, null,
        Instant.parse("2026-12-05T10:05:00.123456789Z"));
    assertEquals(Instant.parse("2026-12-05T10:05:00.123456Z"),
        ApprovalEvents.decision(roundTrip(ApprovalEvents.decided(r.session(), d))).decidedAt());
  }

  private static SessionEvent with(SessionEvent e, String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(e.details());
    if (value == REMOVE) {
      d.remove(key);
    } else {
      d.put(key, value);
    }
    return EventJson.decode(EventJson.encode(new SessionEvent(e.id(), e.type(), e.time(), e.session(), d)));
  }

  private static final Object REMOVE = new Object();

  @Test
  void malformedRequestsAreIllegalArguments() {
    SessionEvent e = ApprovalEvents.requested(request(ApprovalRequest.Mode.HOLD));
    for (Object[] bad : new Object[][] {
        {"approvalId", REMOVE}, {"text", REMOVE}, {"digest", REMOVE}, {"expiresAt", REMOVE}, {"mode", REMOVE},
        {"mode", "wait"}, {"expiresAt", "tomorrow"}, {"approvalId", 42L}, {"parameters", List.of(7L)},
        {"approverGroups", List.of(List.of("x"))}, {"statementId", 4L}}) {
      SessionEvent malformed = with(e, (String) bad[0], bad[1]);
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
          () -> ApprovalEvents.request(malformed), bad[0] + " = " + bad[1]);
      assertTrue(ex.getMessage().startsWith("malformed approval.requested " + e.id()), ex.getMessage());
    }
    SessionEvent decided = ApprovalEvents.decided(e.session(), new ApprovalDecision("a-1", "sha256:x",
        Outcome.EXPIRED, null, null, Instant.now()));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ApprovalEvents.request(decided)).getMessage()
        .contains("expected approval.requested, got approval.decided"));
    SessionEvent ended = SessionEvents.ended(e.session(), "r", 1, 0);
    assertThrows(IllegalArgumentException.class, () -> ApprovalEvents.request(ended));
  }

  @Test
  void malformedDecisionsAreIllegalArguments() {
    ApprovalRequest r = request(ApprovalRequest.Mode.HOLD);
    SessionEvent e = ApprovalEvents.decided(r.session(), new ApprovalDecision("a-1", r.digest(), Outcome.APPROVED,
        new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"), null, Instant.now()));
    for (Object[] bad : new Object[][] {
        {"approvalId", REMOVE}, {"digest", REMOVE}, {"outcome", REMOVE}, {"outcome", "approve"},
        {"outcome", "maybe"}, {"decidedBy", null}, {"decidedBy", Map.of("subject", "alice")},
        {"decidedBy", Map.of("groups", List.of(), "via", "chat")}, {"reason", 42L}, {"digest", 42L}}) {
      SessionEvent malformed = with(e, (String) bad[0], bad[1]);
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
          () -> ApprovalEvents.decision(malformed), bad[0] + " = " + bad[1]);
      assertTrue(ex.getMessage().startsWith("malformed approval.decided " + e.id()), ex.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ApprovalEvents.decision(ApprovalEvents.requested(r)));
    assertNull(ApprovalEvents.decision(with(e, "reason", REMOVE)).reason(), "no reason is no reason");
  }
}
