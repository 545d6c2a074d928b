package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalService;
import dev.portcullis.approval.ApproverCheck;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link ApprovalService} for the admin API's tests (the gateway's real one is built elsewhere): it
 * keeps requests, refuses as the contract says, and records what was decided by whom.
 */
public final class FakeApprovals implements ApprovalService {
  public record Decided(String approvalId, Identity approver, boolean approve, String reason) {}

  private final List<ApprovalRequest> pending = new CopyOnWriteArrayList<>();
  private final Map<String, ApprovalDecision> decided = new ConcurrentHashMap<>();
  public final List<Decided> calls = new CopyOnWriteArrayList<>();

  public void clear() {
    pending.clear();
    decided.clear();
    calls.clear();
  }

  public ApprovalRequest add(String approvalId, String requester, List<String> approverGroups, String text,
      List<String> parameters) {
    Instant now = Instant.now();
    SessionInfo session = new SessionInfo("s-" + approvalId, "gw-test",
        new Identity(requester, List.of("ai-agents"), "https://issuer.test", now.plusSeconds(3600)), "orders",
        "postgres");
    ApprovalRequest r = new ApprovalRequest(approvalId, session, "s-" + approvalId + "/1", text, text,
        parameters, "sha256:" + approvalId, List.of("delete"), List.of("public.orders"), "agents",
        "writes-need-review", "writes need a person", approverGroups, now, now.plusSeconds(300),
        ApprovalRequest.Mode.HOLD, 0);
    pending.add(r);
    return r;
  }

  @Override
  public List<ApprovalRequest> pending() {
    return new ArrayList<>(pending);
  }

  @Override
  public Future<ApprovalDecision> decide(String approvalId, Identity approver, boolean approve, String reason) {
    calls.add(new Decided(approvalId, approver, approve, reason));
    if (decided.containsKey(approvalId)) {
      return Future.failedFuture(new ApprovalRefusedException(ApprovalRefusedException.Kind.ALREADY_DECIDED,
          "approval request " + approvalId + " was already " + decided.get(approvalId).outcome().jsonName()));
    }
    ApprovalRequest r = pending.stream().filter(p -> p.approvalId().equals(approvalId)).findFirst().orElse(null);
    if (r == null) {
      return Future.failedFuture(new ApprovalRefusedException(ApprovalRefusedException.Kind.NOT_FOUND,
          "no pending approval request " + approvalId));
    }
    String refusal = ApproverCheck.refusal(r, approver.subject(), approver.groups());
    if (refusal != null) {
      return Future.failedFuture(new ApprovalRefusedException(ApprovalRefusedException.Kind.FORBIDDEN, refusal));
    }
    ApprovalDecision d = new ApprovalDecision(approvalId, r.digest(),
        approve ? ApprovalDecision.Outcome.APPROVED : ApprovalDecision.Outcome.DENIED,
        new ApprovalDecision.Approver(approver.subject(), approver.groups(), "api"), reason, Instant.now());
    pending.remove(r);
    decided.put(approvalId, d);
    return Future.succeededFuture(d);
  }
}
