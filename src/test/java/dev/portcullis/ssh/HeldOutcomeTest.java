package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalDecision.Outcome;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Policy;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a held SSH channel does with each answer, without Vert.x or SSH. */
class HeldOutcomeTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final Identity AGENT = new Identity("ci-bot", List.of("agents"), "test", NOW.plusSeconds(60));
  private static final Decision.Review HOLD = new Decision.Review("ops", "restarts", "exec 'systemctl restart x' "
      + "needs approval by owners", List.of("owners"), Policy.ApprovalTerms.DEFAULT);
  private static final Decision.Review RETRY = new Decision.Review("ops", "restarts", "exec 'systemctl restart x' "
      + "needs approval by owners", List.of("owners"),
      new Policy.ApprovalTerms(true, Duration.ofMinutes(5), Duration.ofMinutes(15)));

  private static HeldOutcome answered(Decision.Review review, Outcome outcome, Identity agent) {
    ApprovalDecision d = new ApprovalDecision("a-1", "sha256:x", outcome, outcome.byPerson()
        ? new ApprovalDecision.Approver("alice", List.of("owners"), "chat") : null,
        outcome == Outcome.DENIED ? "not during the freeze" : outcome == Outcome.EXPIRED ? "no decision within 5m"
            : null, NOW);
    return HeldOutcome.of(review, Future.succeededFuture(new ApprovalAnswer(d, "a-1")), "a-1", "command", agent,
        NOW);
  }

  @Test
  void approvedRunsAfterSayingWhoApproved() {
    assertEquals(new HeldOutcome.Run("portcullis: approval a-1 granted by alice (via chat); running"),
        answered(HOLD, Outcome.APPROVED, AGENT));
  }

  @Test
  void anApprovalThatArrivesAfterTheTokenExpiredRunsNothing() {
    Identity expired = new Identity("ci-bot", List.of("agents"), "test", NOW);
    assertEquals(new HeldOutcome.Refuse("the token expired while the command waited for approval a-1; it did not "
        + "run"), answered(HOLD, Outcome.APPROVED, expired));
  }

  @Test
  void deniedAndExpiredAreRefusalsWithTheReason() {
    assertEquals(new HeldOutcome.Refuse("approval a-1 for rule 'restarts' of policy 'ops' was denied by alice (via "
        + "chat): not during the freeze"), answered(HOLD, Outcome.DENIED, AGENT));
    assertEquals(new HeldOutcome.Refuse("approval a-1 for rule 'restarts' of policy 'ops' expired: no decision "
        + "within 5m"), answered(HOLD, Outcome.EXPIRED, AGENT));
  }

  @Test
  void withdrawnMeansTheGatewayIsStopping() {
    assertEquals(new HeldOutcome.Fail("the gateway is stopping; the command waiting for approval a-1 did not run"),
        answered(HOLD, Outcome.WITHDRAWN, AGENT));
  }

  @Test
  void retryModeFilesTheRequestAndRefusesWithItsId() {
    HeldOutcome filed = HeldOutcome.of(RETRY, Future.succeededFuture(new ApprovalAnswer(null, "a-2")), "a-2",
        "command", AGENT, NOW);
    assertEquals(new HeldOutcome.Refuse("approval required by rule 'restarts' of policy 'ops': exec 'systemctl "
        + "restart x' needs approval by owners; approval a-2 was requested: run exactly the same command again "
        + "after it is approved (within 15m of the approval)"), filed);
  }

  @Test
  void unreachableApprovalsRefuse() {
    assertEquals(new HeldOutcome.Refuse("the shell needs approval, but approvals could not be reached"),
        HeldOutcome.of(HOLD, Future.failedFuture("timeout"), null, "shell", AGENT, NOW));
  }
}
