package dev.portcullis.ssh;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.StatementDigest;
import dev.portcullis.events.EventIds;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.policy.Decision;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The gateway's {@link SshApprovals}: the approvals verticle ({@code portcullis.approvals.ask}) holds the request,
 * publishes {@code approval.requested}, and answers when it is decided, expires or is withdrawn, exactly as for
 * SQL statements. What an approver sees and what runs is the channel's statement text: the exact command line,
 * {@code shell}, or {@code subsystem sftp}; its digest binds that text, and a retry grant is for this target only.
 */
public final class BusSshApprovals implements SshApprovals {
  /** The verticle answers at expiry; this margin only covers a verticle that is gone. */
  private static final Duration REPLY_MARGIN = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final String gatewayId;

  public BusSshApprovals(Vertx vertx, String gatewayId) {
    this.vertx = vertx;
    this.gatewayId = gatewayId;
  }

  @Override
  public Pending ask(AgentSession agent, String statementId, SshChannelRequest request, Decision.Review review) {
    SessionInfo info = new SessionInfo(agent.sessionId(), gatewayId, agent.identity(), agent.target().name(),
        PublishedSshSessionEvents.PROTOCOL);
    ApprovalRequest r = request(info, statementId, request, review, Instant.now().truncatedTo(ChronoUnit.MICROS));
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(review.terms().timeout().plus(REPLY_MARGIN).toMillis());
    return new Pending(r.approvalId(),
        vertx.eventBus().<ApprovalAnswer>request(Addresses.APPROVALS_ASK, r, options).map(Message::body),
        () -> vertx.eventBus().send(Addresses.APPROVALS_WITHDRAW, r.approvalId()));
  }

  /** The approval request for one SSH channel a review rule caught. */
  static ApprovalRequest request(SessionInfo info, String statementId, SshChannelRequest request,
      Decision.Review review, Instant now) {
    String text = request.text();
    return new ApprovalRequest(EventIds.next(), info, statementId, text, text, List.of(),
        StatementDigest.of(text, List.of()), List.of(request.kind().yamlName()), List.of(), review.policy(),
        review.rule(), review.reason(), review.approverGroups(), now, now.plus(review.terms().timeout()),
        review.terms().retry() ? ApprovalRequest.Mode.RETRY : ApprovalRequest.Mode.HOLD,
        review.terms().grantTtl().toSeconds());
  }
}
