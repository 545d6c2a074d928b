package dev.portcullis.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The requests and decisions topics are separate partitions, read with no order between them: an instance (one just
 * restarted, typically) may read a decision before the request it decides. Found by ChatApprovalEndToEndTest: a
 * restarted gateway listed a request as pending although its withdrawal was on the topic.
 */
class ApprovalBookReadOrderTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private final ApprovalBook book = new ApprovalBook(Clock.fixed(NOW, ZoneOffset.UTC));

  private static ApprovalRequest request(String id) {
    SessionInfo session = new SessionInfo("s-1", "gw-a",
        new Identity("agent-1", List.of("held-agents"), "https://issuer.example", NOW.plusSeconds(3600)),
        "orders", "postgres");
    return new ApprovalRequest(id, session, "s-1/2", "INSERT INTO scratch (v) VALUES ($1)",
        "INSERT INTO scratch (v) VALUES ($1)", List.of("x"), "sha256:" + "ab".repeat(32), List.of("insert"),
        List.of("public.scratch"), "held-writes", "scratch-writes-wait", "insert needs approval", List.of("owners"),
        NOW, NOW.plus(Duration.ofMinutes(5)), ApprovalRequest.Mode.HOLD, 0);
  }

  private static ApprovalDecision decision(ApprovalRequest r, ApprovalDecision.Outcome outcome, String digest,
      String approver) {
    return new ApprovalDecision(r.approvalId(), digest, outcome,
        approver == null ? null : new ApprovalDecision.Approver(approver, List.of("owners"), "chat"), "why", NOW);
  }

  @Test
  void aWithdrawalReadBeforeItsRequestKeepsTheRequestOffThePendingList() {
    ApprovalRequest r = request("a-1");
    assertEquals(ApprovalBook.Effect.UNKNOWN,
        book.decided(decision(r, ApprovalDecision.Outcome.WITHDRAWN, r.digest(), null)));
    book.requested(r);
    assertEquals(List.of(), book.pending());
    assertNull(book.pending("a-1"));
    assertTrue(book.wasDecided("a-1"));
    assertEquals(ApprovalBook.Effect.ALREADY_DECIDED,
        book.decided(decision(r, ApprovalDecision.Outcome.APPROVED, r.digest(), "alice")), "a late click");
  }

  @Test
  void anEarlyDecisionThatDoesNotMatchItsRequestChangesNothing() {
    ApprovalRequest r = request("a-2");
    book.decided(decision(r, ApprovalDecision.Outcome.APPROVED, "sha256:" + "cd".repeat(32), "alice"));
    book.decided(decision(r, ApprovalDecision.Outcome.APPROVED, r.digest(), "agent-1")); // the requester itself
    book.requested(r);
    assertEquals(List.of(r), book.pending());
    assertFalse(book.wasDecided("a-2"));
    assertEquals(ApprovalBook.Effect.NOTED,
        book.decided(decision(r, ApprovalDecision.Outcome.DENIED, r.digest(), "alice")));
    assertEquals(List.of(), book.pending());
  }
}
