package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How replay and the search table show approval events (no store, no broker: the text alone). */
class ReplayTextTest {
  private final SessionInfo s = SampleSessions.session("ci-bot", List.of("ai-agents"), "orders");

  private SessionEvent decided(String text, String statementId) {
    return SessionEvents.decided(s, statementId, new JudgedStatement(text, "delete from orders where id = ?",
        Set.of(StatementKind.DELETE), List.of("public.orders"), List.of(),
        new Decision.Review("agents-read", "writes-need-review", "delete needs approval", List.of("db-owners")),
        null), "extended");
  }

  private static ApprovalRequest retry(ApprovalRequest r) {
    return new ApprovalRequest(r.approvalId(), r.session(), r.statementId(), r.text(), r.fingerprint(),
        r.parameters(), r.digest(), r.kinds(), r.tables(), r.policy(), r.rule(), r.reason(), List.of(),
        r.requestedAt(), r.expiresAt(), ApprovalRequest.Mode.RETRY, 600);
  }

  private SessionEvent outcome(ApprovalRequest r, ApprovalDecision.Outcome outcome, ApprovalDecision.Approver by,
      String reason) {
    return ApprovalEvents.decided(s, new ApprovalDecision(r.approvalId(), r.digest(), outcome, by, reason,
        Instant.now()));
  }

  @Test
  void stderrFramesShowUnderTheirStatementOtherFramesAreCounted() {
    SessionInfo ssh = new SessionInfo(s.sessionId(), s.gatewayId(), s.identity(), "dev-box", "ssh");
    String id = SessionEvents.statementId(ssh, 3);
    ReplayText replay = new ReplayText();
    String out = replay.render(SessionEvents.decidedSsh(ssh, id, "ls x", List.of("exec"),
        new Decision.Allow("p", "look", "allowed")))
        + replay.render(SessionEvents.frame(ssh, id, 0, SessionEvents.OUTPUT, "secret stdout\n", 1))
        + replay.render(SessionEvents.frame(ssh, id, 1, SessionEvents.ERROR, "ls: x: No such file\u001b[31m\n", 2))
        + replay.render(SessionEvents.frame(ssh, id, 2, SessionEvents.ERROR, "y".repeat(2500), 3));
    String[] lines = out.split("\n");
    assertTrue(lines[3].endsWith("  stderr 3"), out);
    assertEquals("    ls: x: No such file\\u001b[31m", lines[4], "control characters escaped");
    assertTrue(lines[6].startsWith("    " + "y".repeat(2000) + " … (500 more characters)"), out);
    assertFalse(out.contains("secret stdout"), out);
    assertEquals(1, replay.framesNotShown());
  }

  @Test
  void aHeldStatementsRequestAndEachOutcomeReadAsSentences() {
    String id = SessionEvents.statementId(s, 12);
    ApprovalRequest r = SampleSessions.approvalRequest(s, id, "DELETE FROM orders WHERE id = $1 AND note = $2",
        Arrays.asList("7", null));
    ReplayText replay = new ReplayText();
    String out = replay.render(decided(r.text(), id)) + replay.render(ApprovalEvents.requested(r))
        + replay.render(outcome(r, ApprovalDecision.Outcome.APPROVED,
            new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"), "ticket OPS-12"));
    String[] lines = out.split("\n");
    assertEquals(6, lines.length, out);
    assertTrue(lines[1].endsWith("  statement 12          REVIEW by writes-need-review/agents-read: delete needs"
        + " approval"), lines[1]);
    assertEquals("    DELETE FROM orders WHERE id = $1 AND note = $2", lines[2]);
    assertTrue(lines[3].endsWith("  approval.requested 12 approval requested " + r.approvalId() + " by rule"
        + " writes-need-review/agents-read for db-owners (hold, expires " + EventJson.formatTime(r.expiresAt())
        + ")"), lines[3]);
    assertEquals("    with $1 = '7', $2 = NULL", lines[4], "the text is the statement's: only the values follow");
    assertTrue(lines[5].endsWith("  approval.decided 12   approval approved by alice via chat: ticket OPS-12"),
        lines[5]);

    assertTrue(replay.render(outcome(r, ApprovalDecision.Outcome.DENIED,
        new ApprovalDecision.Approver("bob", List.of("db-owners"), "api"), null))
        .endsWith("approval.decided 12   approval denied by bob via api\n"));
    assertTrue(replay.render(outcome(r, ApprovalDecision.Outcome.EXPIRED, null, "no decision within 5m; the"
        + " statement did not run")).endsWith("approval expired: no decision within 5m; the statement did not run\n"));
    assertTrue(replay.render(outcome(r, ApprovalDecision.Outcome.WITHDRAWN, null, "the agent's session ended"))
        .endsWith("approval withdrawn: the agent's session ended\n"));
  }

  @Test
  void retryModeRedactedTextsAndUnmatchedDecisions() {
    String id = SessionEvents.statementId(s, 3);
    ApprovalRequest r = retry(SampleSessions.approvalRequest(s, id, "DELETE FROM orders WHERE id = 42", List.of()));
    ReplayText replay = new ReplayText();
    // with audit: { literals: redact } the statement's event holds the fingerprint, the request the real text
    String out = replay.render(decided("DELETE FROM orders WHERE id = ?", id)) + replay.render(
        ApprovalEvents.requested(r));
    assertTrue(out.contains("approval requested " + r.approvalId() + " by rule writes-need-review/agents-read for"
        + " nobody (no approver groups) (retry, grant 10m, expires "), out);
    assertTrue(out.endsWith(")\n    DELETE FROM orders WHERE id = 42\n"), out);
    assertFalse(out.contains("with "), "no Bind values, no line for them");

    // a decision whose request this replay did not show (it came from an earlier session's request, say)
    String alone = new ReplayText().render(outcome(r, ApprovalDecision.Outcome.APPROVED,
        new ApprovalDecision.Approver("alice", List.of(), "chat"), "ok"));
    assertTrue(alone.split("\n")[1].endsWith("  approval.decided      approval approved by alice via chat: ok"),
        alone);
  }

  @Test
  void whatAgentsAndApproversWroteCannotDriveTheTerminal() {
    String id = SessionEvents.statementId(s, 1);
    String evil = "DELETE FROM orders /* \u001b[2J\u001b[1A */ WHERE id = $1\u202e";
    ApprovalRequest r = SampleSessions.approvalRequest(s, id, evil, List.of("x\u001b]0;owned\u0007"));
    ReplayText replay = new ReplayText();
    String out = replay.render(decided(evil, id)) + replay.render(ApprovalEvents.requested(r)) + replay.render(
        outcome(r, ApprovalDecision.Outcome.DENIED, new ApprovalDecision.Approver("bob\u001b[31m", List.of(), "api"),
            "no\nway\rback"));
    assertFalse(out.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e || c == '\r'), out);
    assertTrue(out.contains("    DELETE FROM orders /* \\u001b[2J\\u001b[1A */ WHERE id = $1\\u202e\n"), out);
    assertTrue(out.contains("    with $1 = 'x\\u001b]0;owned\\u0007'\n"), out);
    assertTrue(out.contains("approval denied by bob\\u001b[31m via api: no\\u000away\\u000dback\n"), out);
    assertEquals("a\tb", EventText.printable("a\tb"), "tabs stay");
    assertEquals("zero\\u200bwidth", EventText.printable("zero\u200bwidth"));

    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    SearchTable.print(List.of(ApprovalEvents.requested(r)), new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String table = buffer.toString(StandardCharsets.UTF_8);
    assertFalse(table.chars().anyMatch(c -> c == 0x1b || c == 0x07 || c == 0x202e), table);
  }

  @Test
  void theStoreFiltersApprovalOutcomesLikeDecisions() {
    ApprovalRequest r = SampleSessions.approvalRequest(s, SessionEvents.statementId(s, 1), "DELETE FROM t", List.of());
    SessionEvent denied = outcome(r, ApprovalDecision.Outcome.DENIED,
        new ApprovalDecision.Approver("bob", List.of(), "api"), "no");
    EventRow row = EventRow.of(denied, EventJson.encode(denied), new EventRow.Source("t", 0, 0));
    assertEquals("denied", row.decision());
    SessionEvent asked = ApprovalEvents.requested(r);
    row = EventRow.of(asked, EventJson.encode(asked), new EventRow.Source("t", 0, 1));
    assertEquals(null, row.decision());
    assertEquals("DELETE FROM t", row.text());
    assertEquals("writes-need-review", row.rule());
    assertEquals(r.statementId(), row.statementId());
  }
}
