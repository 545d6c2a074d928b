package dev.portcullis.approval;

import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import io.vertx.core.Context;
import io.vertx.core.Handler;

/**
 * The feed of a single gateway without Kafka ({@code dev}, journal sink): events go to the journal like every
 * session event and are handed back to this instance directly.
 */
final class LocalApprovalFeed implements ApprovalFeed {
  private final EventPublisher events;
  private Context context;
  private Handler<ApprovalRequest> requests;
  private Handler<ApprovalDecision> decisions;

  LocalApprovalFeed(EventPublisher events) {
    this.events = events;
  }

  @Override
  public void start(Context context, Handler<ApprovalRequest> requests, Handler<ApprovalDecision> decisions) {
    this.context = context;
    this.requests = requests;
    this.decisions = decisions;
  }

  @Override
  public void publish(SessionEvent event) {
    events.publish(event);
    // Later, not now: a decision is answered the same way whether it came back from Kafka or from here.
    if (EventType.APPROVAL_REQUESTED.equals(event.type())) {
      ApprovalRequest r = ApprovalEvents.request(event);
      context.runOnContext(v -> requests.handle(r));
    } else {
      ApprovalDecision d = ApprovalEvents.decision(event);
      context.runOnContext(v -> decisions.handle(d));
    }
  }

  @Override
  public void close() {}
}
