package dev.portcullis.approval;

import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import java.util.List;

/**
 * What the admin HTTP API (and through it the CLI) needs from the gateway's approvals: the pending requests of
 * every gateway instance, and a way to decide one. Called on an event loop; never blocks.
 */
public interface ApprovalService {
  /** Requests not yet decided and not expired, oldest first, from every instance this one hears about. */
  List<ApprovalRequest> pending();

  /**
   * Decides a pending request as {@code approver} (a validated admin token's identity) and publishes
   * {@code approval.decided}. Fails with {@link ApprovalRefusedException} when the request is unknown or already
   * decided, or the approver may not decide it ({@link ApproverCheck}).
   */
  Future<ApprovalDecision> decide(String approvalId, Identity approver, boolean approve, String reason);
}
