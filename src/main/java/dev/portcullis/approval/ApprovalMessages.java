package dev.portcullis.approval;

import dev.portcullis.policy.Decision;

/**
 * What an agent is told about its approval request, the same words whatever carried it (a PostgreSQL error, a line
 * on an SSH channel's stderr). Each text starts with {@code "portcullis: "}.
 */
public final class ApprovalMessages {
  private ApprovalMessages() {}

  /** The request was answered but not approved: the approver and reason when a person refused, else why it ended. */
  public static String notApproved(Decision.Review review, ApprovalDecision d) {
    String head = "portcullis: approval " + d.approvalId() + " for rule '" + review.rule() + "' of policy '"
        + review.policy() + "' ";
    String why = d.reason() == null || d.reason().isBlank() ? "" : ": " + d.reason();
    return switch (d.outcome()) {
      case DENIED -> head + "was denied by " + d.decidedBy().subject() + " (via " + d.decidedBy().via() + ")" + why;
      case EXPIRED -> head + "expired" + why;
      default -> head + "was withdrawn" + why;
    };
  }

  /** Retry mode: the request is filed; the agent runs exactly the same again once it is approved. */
  public static String filed(Decision.Review review, String approvalId, String what) {
    return review.clientMessage() + "; approval " + approvalId + " was requested: run exactly the same " + what
        + " again after it is approved (within " + ApprovalVerticle.describe(review.terms().grantTtl())
        + " of the approval)";
  }

  /** Hold mode: what the agent waits for, and until when. */
  public static String waiting(Decision.Review review, String approvalId) {
    return review.clientMessage() + "; waiting for approval " + approvalId + " (up to "
        + ApprovalVerticle.describe(review.terms().timeout()) + ")";
  }
}
