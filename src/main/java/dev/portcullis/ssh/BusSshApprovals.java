package dev.portcullis.ssh;

import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalVerticle;
import dev.portcullis.approval.StatementDigest;
import dev.portcullis.events.EventIds;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.policy.Decision;
import io.vertx.core.Vertx;
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
    return new Pending(r.approvalId(), ApprovalVerticle.ask(vertx, r),
        () -> ApprovalVerticle.withdraw(vertx, r.approvalId()));
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
