package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.StatementDigest;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionEventsTest {
  static final Identity WHO = new Identity("ci-bot", List.of("ai-agents", "readers"),
      "https://idp.example.com/oauth2/default", Instant.parse("2026-11-29T04:00:00Z"));
  static final SessionInfo SESSION = new SessionInfo("s-42", "gw-1", WHO, "orders", "postgres");
  static final List<String> ENVELOPE = List.of(
      "id", "type", "time", "schemaVersion", "sessionId", "gatewayId", "identity", "target", "protocol");

  static JudgedStatement judged(String text, Decision decision) {
    return new JudgedStatement(text, "SELECT * FROM public.orders WHERE id = ?",
        Set.of(StatementKind.SELECT, StatementKind.DELETE), List.of("public.orders"), List.of("lower"), decision,
        "prep1");
  }

  static List<SessionEvent> everyFactory() {
    String stmt = SessionEvents.statementId(SESSION, 1);
    return List.of(
        SessionEvents.started(SESSION, "10.0.0.7:51234", "psql", true, List.of("agents-read-code")),
        SessionEvents.started(SESSION, "[::1]:5000", null, false, List.of()),
        SessionEvents.decided(SESSION, stmt,
            judged("SELECT * FROM orders WHERE id = 7", new Decision.Allow("p", "read", "reads are fine")), "simple"),
        SessionEvents.decided(SESSION, stmt,
            judged("DELETE FROM orders", new Decision.Deny(null, null, "no rule allows delete")), "extended"),
        SessionEvents.decided(SESSION, stmt, judged("UPDATE orders SET x = 1",
            new Decision.Review("p", "writes", "writes need review", List.of("db-owners"))), "extended", true),
        SessionEvents.completed(SESSION, stmt, "SELECT 3", 12, null),
        SessionEvents.completed(SESSION, stmt, null, null, 3, new StatementError("57014", "canceling statement")),
        SessionEvents.completed(SESSION, stmt, "SELECT 2", 2L, 4, null, List.of(
            new dev.portcullis.masking.MaskedColumn("public.customers.email", "emails", "partial", 2))),
        SessionEvents.ended(SESSION, "client terminated", 12_345, 2),
        ApprovalEvents.requested(request(ApprovalRequest.Mode.HOLD, Arrays.asList("7", null, "", "\\x00ff"))),
        ApprovalEvents.requested(request(ApprovalRequest.Mode.RETRY, List.of())),
        ApprovalEvents.decided(SESSION, decision(ApprovalDecision.Outcome.APPROVED,
            new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"), "looks fine")),
        ApprovalEvents.decided(SESSION, decision(ApprovalDecision.Outcome.DENIED,
            new ApprovalDecision.Approver("bob", List.of(), "api"), null)),
        ApprovalEvents.decided(SESSION, decision(ApprovalDecision.Outcome.EXPIRED, null, "no decision within 5m")),
        ApprovalEvents.decided(SESSION, decision(ApprovalDecision.Outcome.WITHDRAWN, null, "session ended")),
        SessionEvents.decidedSsh(SSH, "s-43/1", "ls -la | grep x", List.of("exec"),
            new Decision.Allow("ops", "read-only", "listing is fine")),
        SessionEvents.decidedSsh(SSH, "s-43/2", "shell", List.of("shell"), new Decision.Deny(null, null, "no rule")),
        SessionEvents.exited(SSH, "s-43/1", 250, 0, null),
        SessionEvents.exited(SSH, "s-43/1", 250, null, "KILL"),
        SessionEvents.exited(SSH, "s-43/1", 250, null, null),
        SessionEvents.exited(SSH, "s-43/1", 250, null, null, "target 'web-1' unreachable"),
        SessionEvents.frame(SSH, "s-43/1", 0, SessionEvents.OUTPUT, "total 0\r\n\u001b[0m", 12),
        SessionEvents.frame(SSH, "s-43/1", 1, SessionEvents.INPUT, "", 13),
        SessionEvents.frame(SSH, "s-43/1", 3, SessionEvents.ERROR, "ls: cannot access 'x'\n", 15),
        SessionEvents.resize(SSH, "s-43/1", 2, 120, 40, 14));
  }

  static final SessionInfo SSH = new SessionInfo("s-43", "gw-1", WHO, "web-1", "ssh");

  static final String TEXT = "UPDATE orders SET note = $3 WHERE id = $1 AND x = $2 AND b = $4";
  static final List<String> PARAMETERS = Arrays.asList("7", null, "", "\\x00ff");

  static ApprovalRequest request(ApprovalRequest.Mode mode, List<String> parameters) {
    Instant at = Instant.parse("2026-12-05T10:00:00.123456Z");
    return new ApprovalRequest("a-1", SESSION, "s-42/3", TEXT, "UPDATE orders SET note = $3 WHERE id = $1",
        parameters, StatementDigest.of(TEXT, parameters), List.of("update"), List.of("public.orders"), "p", "writes",
        "update on public.orders needs approval by db-owners", List.of("db-owners"), at, at.plusSeconds(300), mode,
        mode == ApprovalRequest.Mode.RETRY ? 600 : 900);
  }

  static ApprovalDecision decision(ApprovalDecision.Outcome outcome, ApprovalDecision.Approver by, String reason) {
    return new ApprovalDecision("a-1", StatementDigest.of(TEXT, PARAMETERS), outcome, by, reason,
        Instant.parse("2026-12-05T10:01:00.5Z"));
  }

  @Test
  void everyFactoryProducesSchemaValidJsonThatDecodesToAnEqualEvent() {
    for (SessionEvent event : everyFactory()) {
      String json = EventJson.encode(event);
      assertFalse(json.contains("\n"), json);
      EventSchemas.assertValid(json);
      assertEquals(event, EventJson.decode(json));
    }
  }

  @Test
  void fieldsAreExactlyTheContract() {
    Map<String, List<String>> details = Map.of(
        EventType.SESSION_STARTED, List.of("clientAddress", "applicationName", "tls", "policies"),
        EventType.SESSION_ENDED, List.of("reason", "durationMs", "statements"),
        EventType.STATEMENT_DECIDED, List.of("statementId", "text", "fingerprint", "kinds", "tables", "functions",
            "decision", "policy", "rule", "reason", "queryProtocol"),
        EventType.STATEMENT_COMPLETED, List.of("statementId", "commandTag", "rows", "durationMs", "error"),
        EventType.APPROVAL_REQUESTED, List.of("approvalId", "statementId", "text", "fingerprint", "parameters",
            "digest", "kinds", "tables", "policy", "rule", "reason", "approverGroups", "expiresAt", "mode",
            "grantTtlSeconds"),
        EventType.APPROVAL_DECIDED, List.of("approvalId", "digest", "outcome", "decidedBy", "reason"),
        EventType.IO_FRAME, List.of("statementId", "stream", "data", "offsetMs", "seq"));
    for (SessionEvent event : everyFactory()) {
      List<String> expected = new ArrayList<>(ENVELOPE);
      expected.addAll(details.get(event.type()));
      if (event.details().containsKey("masked")) {
        expected.add("masked"); // only on results that masking rules applied to
      }
      if ("ssh".equals(event.session().protocol()) && event.type().equals(EventType.STATEMENT_COMPLETED)) {
        expected.addAll(List.of("exitStatus", "exitSignal")); // an SSH channel's end
      }
      if ("r".equals(event.details().get("stream"))) {
        expected.addAll(expected.indexOf("seq"), List.of("cols", "rows"));
      }
      assertEquals(expected, new ArrayList<>(new JsonObject(EventJson.encode(event)).fieldNames()), event.type());
    }
  }

  @Test
  void decidedCarriesTheJudgementAndNothingElse() {
    SessionEvent e = SessionEvents.decided(SESSION, "s-42/1", judged("DELETE FROM orders",
        new Decision.Review("p", "writes", "writes need review", List.of("db-owners"))), "simple");
    JsonObject json = new JsonObject(EventJson.encode(e));
    assertEquals("review", json.getString("decision"));
    assertEquals("p", json.getString("policy"));
    assertEquals("writes", json.getString("rule"));
    assertEquals("DELETE FROM orders", json.getString("text"));
    assertEquals(List.of("delete", "select"), json.getJsonArray("kinds").getList());
    assertEquals("simple", json.getString("queryProtocol"));
    assertEquals("postgres", json.getString("protocol"));
    // neither the prepared-statement name nor the approver list is part of statement.decided
    assertFalse(json.encode().contains("prep1"));
    assertFalse(json.encode().contains("db-owners"));
    assertEquals(Set.of("subject", "groups", "issuer", "expiresAt"), json.getJsonObject("identity").fieldNames());
  }

  @Test
  void redactedLiteralsPublishTheFingerprintAsText() {
    SessionEvent e = SessionEvents.decided(SESSION, "s-42/1",
        judged("SELECT * FROM public.orders WHERE id = 4111111111111111", new Decision.Allow("p", "r", "ok")),
        "simple", true);
    String json = EventJson.encode(e);
    assertFalse(json.contains("4111111111111111"), json);
    assertEquals("SELECT * FROM public.orders WHERE id = ?", new JsonObject(json).getString("text"));
  }

  @Test
  void timeIsUtcWithMicroseconds() {
    assertEquals("2026-11-29T03:45:12.123456Z", EventJson.formatTime(Instant.parse("2026-11-29T03:45:12.123456789Z")));
    assertEquals("2026-11-29T03:45:12.000000Z", EventJson.formatTime(Instant.parse("2026-11-29T03:45:12Z")));
    SessionEvent e = new SessionEvent("x", EventType.SESSION_ENDED, Instant.parse("2026-01-02T03:04:05.000100Z"),
        SESSION, Map.of("reason", "r", "durationMs", 1L, "statements", 0L));
    String json = EventJson.encode(e);
    assertEquals("2026-01-02T03:04:05.000100Z", new JsonObject(json).getString("time"));
    EventSchemas.assertValid(json);
    assertTrue(SessionEvents.ended(SESSION, "r", 1, 0).time().getNano() % 1000 == 0);
  }

  @Test
  void aDetailCannotOverrideTheEnvelope() {
    for (String field : ENVELOPE) {
      SessionEvent e = SessionEvent.of(EventType.SESSION_ENDED, SESSION, Map.of(field, "forged"));
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EventJson.encode(e));
      assertTrue(ex.getMessage().contains(field), ex.getMessage());
    }
  }

  @Test
  void nonJsonDetailValuesAreRefused() {
    SessionEvent e = SessionEvent.of(EventType.SESSION_ENDED, SESSION, Map.of("reason", new Object()));
    assertThrows(IllegalArgumentException.class, () -> EventJson.check(e));
  }

  @Test
  void schemasRejectWhatTheContractForbids() {
    JsonObject good = new JsonObject(EventJson.encode(everyFactory().get(2)));
    assertTrue(EventSchemas.problems("statement.decided", good.encode()).isEmpty());
    assertFalse(EventSchemas.problems("statement.decided", good.copy().put("token", "x").encode()).isEmpty());
    assertFalse(EventSchemas.problems("statement.decided", good.copy().put("decision", "maybe").encode()).isEmpty());
    assertFalse(EventSchemas.problems("statement.decided",
        good.copy().put("time", "2026-11-29T03:45:12.123Z").encode()).isEmpty());
    JsonObject noRule = good.copy();
    noRule.remove("rule");
    assertFalse(EventSchemas.problems("statement.decided", noRule.encode()).isEmpty());
    assertFalse(EventSchemas.problems("session.ended", good.encode()).isEmpty());
  }

  @Test
  void approvalSchemasRejectWhatTheContractForbids() {
    JsonObject asked = new JsonObject(EventJson.encode(ApprovalEvents.requested(
        request(ApprovalRequest.Mode.HOLD, PARAMETERS))));
    assertTrue(EventSchemas.problems("approval.requested", asked.encode()).isEmpty(), asked.encode());
    assertEquals(Arrays.asList("7", null, "", "\\x00ff"), asked.getJsonArray("parameters").getList());
    for (String field : List.of("digest", "approvalId", "text", "parameters", "approverGroups", "expiresAt", "mode")) {
      JsonObject without = asked.copy();
      without.remove(field);
      assertFalse(EventSchemas.problems("approval.requested", without.encode()).isEmpty(), "without " + field);
    }
    assertRefused("approval.requested", asked, "digest", "sha256:abc");
    assertRefused("approval.requested", asked, "digest", "md5:" + "0".repeat(64));
    assertRefused("approval.requested", asked, "digest", asked.getString("digest").toUpperCase(java.util.Locale.ROOT)
        .replace("SHA256", "sha256"));
    assertRefused("approval.requested", asked, "mode", "wait");
    assertRefused("approval.requested", asked, "expiresAt", "2026-12-05T10:05:00Z");
    assertRefused("approval.requested", asked, "parameters", new io.vertx.core.json.JsonArray().add(7));
    assertRefused("approval.requested", asked, "grantTtlSeconds", -1);
    assertRefused("approval.requested", asked, "token", "x");
    assertRefused("approval.requested", asked, "type", "approval.decided");

    JsonObject approved = new JsonObject(EventJson.encode(ApprovalEvents.decided(SESSION, decision(
        ApprovalDecision.Outcome.APPROVED, new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"),
        "fine"))));
    assertTrue(EventSchemas.problems("approval.decided", approved.encode()).isEmpty(), approved.encode());
    assertRefused("approval.decided", approved, "outcome", "approve");
    assertRefused("approval.decided", approved, "outcome", "APPROVED");
    assertRefused("approval.decided", approved, "decidedBy", null); // a person's outcome names the person
    assertRefused("approval.decided", approved, "decidedBy", new JsonObject().put("subject", "alice"));
    assertRefused("approval.decided", approved, "decidedBy", approved.getJsonObject("decidedBy").copy()
        .put("token", "x"));
    assertRefused("approval.decided", approved, "digest", "sha256:");
    for (String field : List.of("digest", "approvalId", "outcome", "decidedBy", "reason")) {
      JsonObject without = approved.copy();
      without.remove(field);
      assertFalse(EventSchemas.problems("approval.decided", without.encode()).isEmpty(), "without " + field);
    }
    JsonObject expired = new JsonObject(EventJson.encode(ApprovalEvents.decided(SESSION,
        decision(ApprovalDecision.Outcome.EXPIRED, null, null))));
    assertTrue(EventSchemas.problems("approval.decided", expired.encode()).isEmpty(), expired.encode());
    assertRefused("approval.decided", expired, "decidedBy", approved.getJsonObject("decidedBy"));
    assertFalse(EventSchemas.problems("approval.decided", asked.encode()).isEmpty());
    assertFalse(EventSchemas.problems("approval.requested", approved.encode()).isEmpty());
  }

  private static void assertRefused(String type, JsonObject good, String field, Object value) {
    String bad = good.copy().put(field, value).encode();
    assertFalse(EventSchemas.problems(type, bad).isEmpty(), type + " accepted " + field + " = " + value);
  }

  @Test
  void sshEventsCarryTheirFieldsAndTheSchemasHoldThem() {
    JsonObject decided = new JsonObject(EventJson.encode(SessionEvents.decidedSsh(SSH, "s-43/1", "cat /etc/hosts",
        List.of("exec"), new Decision.Allow("ops", "read", "ok"))));
    assertEquals("cat /etc/hosts", decided.getString("fingerprint"));
    assertEquals("ssh", decided.getString("queryProtocol"));
    assertEquals(List.of("exec"), decided.getJsonArray("kinds").getList());
    assertEquals(List.of(), decided.getJsonArray("tables").getList());
    assertRefused("statement.decided", decided, "kinds", new io.vertx.core.json.JsonArray().add("rm"));

    JsonObject exited = new JsonObject(EventJson.encode(SessionEvents.exited(SSH, "s-43/1", 9, 2, null)));
    assertEquals(2, exited.getInteger("exitStatus"));
    assertTrue(exited.containsKey("exitSignal") && exited.getValue("exitSignal") == null);
    assertRefused("statement.completed", exited, "exitStatus", "2");
    assertRefused("statement.completed", exited, "exitSignal", 9);
    assertEquals(new JsonObject().put("message", "connection lost"), new JsonObject(EventJson.encode(
        SessionEvents.exited(SSH, "s-43/1", 9, null, null, "connection lost"))).getJsonObject("error"));
    assertRefused("statement.completed", exited, "error", new JsonObject().put("message", "x").put("code", 1));
    assertRefused("statement.completed", exited, "error", new JsonObject().put("sqlState", "57014"));
    JsonObject sql = new JsonObject(EventJson.encode(SessionEvents.completed(SESSION, "s-42/1", "SELECT 1", 1, null)));
    assertFalse(sql.containsKey("exitStatus"), "SQL completions keep their shape");

    JsonObject output = new JsonObject(EventJson.encode(SessionEvents.frame(SSH, "s-43/1", 4, "o", "x", 7)));
    assertEquals("portcullis.recordings", TopicRouting.defaults().topicFor(EventType.IO_FRAME));
    assertRefused("io.frame", output, "stream", "x");
    assertRefused("io.frame", output, "stream", "err");
    assertTrue(EventSchemas.problems("io.frame", output.copy().put("stream", "e").encode()).isEmpty(), "stderr");
    assertThrows(IllegalArgumentException.class, () -> SessionEvents.frame(SSH, "s-43/1", 4, "r", "x", 7));
    assertRefused("io.frame", output, "offsetMs", -1);
    assertRefused("io.frame", output, "seq", -1);
    assertRefused("io.frame", output, "data", 7);
    assertRefused("io.frame", output, "cols", 80); // only a resize has a size
    assertRefused("io.frame", output, "statementId", "s-43");
    for (String field : List.of("statementId", "stream", "data", "offsetMs", "seq")) {
      JsonObject without = output.copy();
      without.remove(field);
      assertFalse(EventSchemas.problems("io.frame", without.encode()).isEmpty(), "without " + field);
    }
    JsonObject resize = new JsonObject(EventJson.encode(SessionEvents.resize(SSH, "s-43/1", 5, 80, 24, 8)));
    assertEquals("80x24", resize.getString("data"));
    assertRefused("io.frame", resize, "data", "80,24");
    JsonObject sizeless = resize.copy();
    sizeless.remove("cols");
    assertFalse(EventSchemas.problems("io.frame", sizeless.encode()).isEmpty(), "a resize names its size");
    assertThrows(IllegalArgumentException.class, () -> SessionEvents.frame(SSH, "s-43/1", 0, "r", "80x24", 0));
  }

  @Test
  void rowsComeFromTheCommandTag() {
    assertEquals(3L, SessionEvents.rowsOf("SELECT 3"));
    assertEquals(1L, SessionEvents.rowsOf("INSERT 0 1"));
    assertEquals(0L, SessionEvents.rowsOf("UPDATE 0"));
    assertNull(SessionEvents.rowsOf("CREATE TABLE"));
    assertNull(SessionEvents.rowsOf("BEGIN"));
    assertNull(SessionEvents.rowsOf(null));
    assertEquals(3L, SessionEvents.completed(SESSION, "s-42/1", "SELECT 3", 1, null).details().get("rows"));
  }

  @Test
  void kindsAreSortedWhateverTheSetOrder() {
    Set<StatementKind> kinds = new LinkedHashSet<>(List.of(StatementKind.UPDATE, StatementKind.SELECT));
    JudgedStatement s = new JudgedStatement("x", "x", kinds, List.of(), List.of(), new Decision.Allow("p", "r", "o"),
        null);
    assertEquals(List.of("select", "update"), SessionEvents.decided(SESSION, "s/1", s, "simple").details().get("kinds"));
  }
}
