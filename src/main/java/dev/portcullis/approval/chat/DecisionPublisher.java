package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import io.vertx.core.Future;

/** Where the bot's decisions go: succeeds once the decision is durably on the decisions topic. */
interface DecisionPublisher {
  Future<Void> publish(ApprovalRequest request, ApprovalDecision decision);

  Future<Void> close();
}
