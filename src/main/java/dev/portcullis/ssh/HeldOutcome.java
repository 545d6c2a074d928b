package dev.portcullis.ssh;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalMessages;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import io.vertx.core.AsyncResult;
import java.time.Instant;

/**
 * What a channel that a review rule caught does with the approvals' answer: run (after telling the agent who
 * approved), be refused (exit 126 with the reason), or fail because the gateway is stopping (exit 255).
 */
sealed interface HeldOutcome {
  /** @param notice the line the agent reads on stderr before the command starts */
  record Run(String notice) implements HeldOutcome {}

  /** @param reason follows "portcullis: refused: " on the agent's stderr */
  record Refuse(String reason) implements HeldOutcome {}

  /** @param message follows "portcullis: " on the agent's stderr */
  record Fail(String message) implements HeldOutcome {}

  /**
   * @param approvalId the request that was filed, for the messages
   * @param what       {@code command}, {@code shell} or {@code subsystem}
   * @param identity   the agent: a hold may outlast its token, which is checked again before anything runs
   */
  static HeldOutcome of(Decision.Review review, AsyncResult<ApprovalAnswer> answer, String approvalId, String what,
      Identity identity, Instant now) {
    if (answer.failed()) {
      return new Refuse("the " + what + " needs approval, but approvals could not be reached");
    }
    ApprovalDecision d = answer.result().decision();
    if (d == null) {
      return new Refuse(unprefixed(ApprovalMessages.filed(review, answer.result().approvalId(), what)));
    }
    return switch (d.outcome()) {
      case APPROVED -> identity.expiredAt(now)
          ? new Refuse("the token expired while the " + what + " waited for approval " + d.approvalId()
              + "; it did not run")
          : new Run("portcullis: approval " + d.approvalId() + " granted by " + d.decidedBy().subject() + " (via "
              + d.decidedBy().via() + "); running");
      case WITHDRAWN -> new Fail("the gateway is stopping; the " + what + " waiting for approval " + approvalId
          + " did not run");
      case DENIED, EXPIRED -> new Refuse(unprefixed(ApprovalMessages.notApproved(review, d)));
    };
  }

  /** The agent's refusal line starts with "portcullis: refused: " already. */
  private static String unprefixed(String message) {
    return message.startsWith("portcullis: ") ? message.substring("portcullis: ".length()) : message;
  }
}
