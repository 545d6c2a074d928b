package dev.portcullis.approval;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;

/**
 * {@link ApprovalService} for the admin API: decisions go to this instance's {@link ApprovalVerticle} over the event
 * bus; the pending list is the verticle's latest snapshot (an immutable list it replaces on every change), so that
 * listing needs no round trip.
 */
public final class BusApprovalService implements ApprovalService {
  private static final DeliveryOptions FIVE_SECONDS = new DeliveryOptions().setSendTimeout(5_000);
  private final Vertx vertx;
  private final java.util.function.Supplier<List<ApprovalRequest>> snapshot;
  private final java.time.Clock clock;

  BusApprovalService(Vertx vertx, java.util.function.Supplier<List<ApprovalRequest>> snapshot,
      java.time.Clock clock) {
    this.vertx = vertx;
    this.snapshot = snapshot;
    this.clock = clock;
  }

  @Override
  public List<ApprovalRequest> pending() {
    java.time.Instant now = clock.instant();
    return snapshot.get().stream().filter(r -> r.expiresAt().isAfter(now)).toList();
  }

  @Override
  public Future<ApprovalDecision> decide(String approvalId, Identity approver, boolean approve, String reason) {
    return vertx.eventBus()
        .<ApprovalDecision>request(Addresses.APPROVALS_DECIDE,
            new DecideRequest(approvalId, approver, approve, reason, "api"), FIVE_SECONDS)
        .map(Message::body)
        .recover(e -> Future.failedFuture(refusal(e)));
  }

  private static Throwable refusal(Throwable e) {
    if (e instanceof ReplyException r) {
      return switch (r.failureCode()) {
        case 404 -> new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_FOUND, r.getMessage());
        case 409 -> new ApprovalRefusedException(ApprovalRefusedException.Kind.ALREADY_DECIDED, r.getMessage());
        case 403 -> new ApprovalRefusedException(ApprovalRefusedException.Kind.FORBIDDEN, r.getMessage());
        default -> e;
      };
    }
    return e;
  }
}
