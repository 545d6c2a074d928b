package dev.portcullis.approval;

import dev.portcullis.events.SessionEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;

/**
 * How approval requests and decisions travel between gateway instances (and the chat-bot). Every instance reads
 * every request (so any instance can list and decide it) and every decision (so the one holding the statement
 * answers it).
 */
interface ApprovalFeed {
  /** Starts delivering what is published, to handlers called on {@code context}. */
  void start(Context context, Handler<ApprovalRequest> requests, Handler<ApprovalDecision> decisions);

  /** Publishes an {@code approval.requested} or {@code approval.decided} event (it also reaches the audit trail). */
  void publish(SessionEvent event);

  void close();
}
