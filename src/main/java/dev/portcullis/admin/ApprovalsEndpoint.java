package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalService;
import dev.portcullis.approval.ApproverCheck;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code GET /approvals} and {@code POST /approvals/{id}/approve|deny}, for a caller already authenticated with an
 * approver-audience token.
 *
 * <p>The list shows only the requests the caller may decide ({@link ApproverCheck} passes): an approver sees
 * their queue, and nobody learns other teams' statements (text and bound values can be sensitive) or sees their own
 * requests offered for approval. Deciding goes to {@link ApprovalService#decide}, which checks again.
 */
final class ApprovalsEndpoint {
  private final ApprovalService approvals;
  private final Clock clock;

  ApprovalsEndpoint(ApprovalService approvals, Clock clock) {
    this.approvals = approvals;
    this.clock = clock;
  }

  AdminResponse list(Identity caller) {
    Instant now = clock.instant();
    JsonArray out = new JsonArray();
    for (ApprovalRequest r : approvals.pending()) {
      if (r.expiresAt().isAfter(now) && ApproverCheck.refusal(r, caller.subject(), caller.groups()) == null) {
        out.add(ApprovalJson.request(r));
      }
    }
    return AdminResponse.json(200, out);
  }

  Future<AdminResponse> decide(String approvalId, Identity caller, boolean approve, DecisionBody body) {
    Future<dev.portcullis.approval.ApprovalDecision> decided;
    try {
      decided = approvals.decide(approvalId, caller, approve, body.reason());
    } catch (ApprovalRefusedException e) {
      decided = Future.failedFuture(e);
    }
    return decided
        .map(d -> AdminResponse.json(200, ApprovalJson.decision(d)))
        .recover(err -> Future.failedFuture(err instanceof ApprovalRefusedException refused ? refusal(refused) : err));
  }

  private static ErrorReply refusal(ApprovalRefusedException e) {
    int status = switch (e.kind()) {
      case NOT_FOUND -> 404;
      case ALREADY_DECIDED -> 409;
      case FORBIDDEN -> 403;
    };
    return new ErrorReply(status, e.getMessage() != null ? e.getMessage() : e.kind().name().toLowerCase());
  }
}
