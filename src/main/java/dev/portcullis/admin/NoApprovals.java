package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalService;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import java.util.List;

/**
 * An {@link ApprovalService} with nothing pending: what a gateway serves until statements can be held for review.
 * Every decision is {@code NOT_FOUND}, which is the truth: no request exists to decide.
 */
public final class NoApprovals implements ApprovalService {
  public static final NoApprovals INSTANCE = new NoApprovals();

  private NoApprovals() {}

  @Override
  public List<ApprovalRequest> pending() {
    return List.of();
  }

  @Override
  public Future<ApprovalDecision> decide(String approvalId, Identity approver, boolean approve, String reason) {
    return Future.failedFuture(new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_FOUND,
        "no pending approval request " + approvalId));
  }
}
