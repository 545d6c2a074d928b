package dev.portcullis.ssh;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.policy.Decision;
import io.vertx.core.Future;

/**
 * Asked when a review rule caught a channel: files the approval request and answers when a person decided (hold
 * mode, the channel waits) or at once (retry mode). The gateway's implementation is {@link BusSshApprovals};
 * {@link #UNAVAILABLE} fails every request, so a review is refused: the closed side.
 */
@FunctionalInterface
public interface SshApprovals {
  Pending ask(AgentSession agent, String statementId, SshChannelRequest request, Decision.Review review);

  /**
   * A filed request.
   *
   * @param approvalId the request's id, shown to the agent; {@code null} when nothing was filed
   * @param answer     completes with the decision; fails when approvals could not be reached
   * @param withdraw   tells the approvals that nobody waits any more (the agent closed the channel)
   */
  record Pending(String approvalId, Future<ApprovalAnswer> answer, Runnable withdraw) {}

  SshApprovals UNAVAILABLE = (agent, statementId, request, review) -> new Pending(null,
      Future.failedFuture("approvals are not available"), () -> {});
}
