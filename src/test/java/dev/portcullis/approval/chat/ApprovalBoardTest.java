package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalBoardTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

  static ApprovalRequest request(String id, String digest, Instant expires) {
    SessionInfo s = new SessionInfo("s-1", "gw-1", new Identity("ci-bot", List.of("ai-agents"), "iss",
        NOW.plusSeconds(3600)), "orders", "postgres");
    return new ApprovalRequest(id, s, "s-1/1", "DELETE FROM t", "DELETE FROM t", List.of(), digest,
        List.of("delete"), List.of("public.t"), "p", "r", "why", List.of("db-owners"), NOW, expires,
        ApprovalRequest.Mode.HOLD, 0);
  }

  static ApprovalDecision decision(String id, String digest, ApprovalDecision.Outcome outcome) {
    return new ApprovalDecision(id, digest, outcome, outcome.byPerson()
        ? new ApprovalDecision.Approver("alice", List.of("db-owners"), "api") : null, null, NOW);
  }

  @Test
  void theFirstDecisionReadWinsLikeAtTheGateway() {
    ApprovalBoard board = new ApprovalBoard();
    board.request(request("a", "sha256:1", NOW.plusSeconds(300)), NOW);
    ApprovalDecision expired = decision("a", "sha256:1", ApprovalDecision.Outcome.EXPIRED);
    assertTrue(board.decision(expired, NOW));
    assertFalse(board.decision(decision("a", "sha256:1", ApprovalDecision.Outcome.APPROVED), NOW));
    assertSame(expired, board.get("a").outcome());
    assertTrue(board.get("a").settled());
  }

  @Test
  void aDecisionForOtherStatementTextIsIgnoredWhetherReadBeforeOrAfterItsRequest() {
    ApprovalBoard board = new ApprovalBoard();
    board.request(request("a", "sha256:1", NOW.plusSeconds(300)), NOW);
    assertFalse(board.decision(decision("a", "sha256:other", ApprovalDecision.Outcome.APPROVED), NOW));
    assertFalse(board.get("a").settled());

    assertTrue(board.decision(decision("b", "sha256:other", ApprovalDecision.Outcome.APPROVED), NOW));
    board.request(request("b", "sha256:2", NOW.plusSeconds(300)), NOW);
    assertNull(board.get("b").decision);
    assertFalse(board.get("b").settled());
  }

  @Test
  void ourOwnDecisionSettlesAtOnceButTheTopicsFirstIsWhatIsShown() {
    ApprovalBoard board = new ApprovalBoard();
    ApprovalBoard.Entry e = board.request(request("a", "sha256:1", NOW.plusSeconds(300)), NOW);
    e.deciding = true;
    assertTrue(e.settled());
    e.deciding = false;
    ApprovalDecision ours = decision("a", "sha256:1", ApprovalDecision.Outcome.APPROVED);
    e.published = ours;
    assertSame(ours, e.outcome());
    ApprovalDecision first = decision("a", "sha256:1", ApprovalDecision.Outcome.EXPIRED);
    board.decision(first, NOW);
    assertSame(first, e.outcome());
  }

  @Test
  void forgetsApprovalsAnHourAfterTheyEnded() {
    ApprovalBoard board = new ApprovalBoard();
    board.request(request("old", "sha256:1", NOW.minus(Duration.ofMinutes(61))), NOW);
    board.request(request("recent", "sha256:1", NOW.minus(Duration.ofMinutes(59))), NOW);
    board.decision(decision("orphan", "sha256:1", ApprovalDecision.Outcome.EXPIRED), NOW.minus(Duration.ofHours(2)));
    assertEquals(2, board.prune(NOW));
    assertEquals(1, board.size());
    assertTrue(board.get("recent") != null);
  }
}
