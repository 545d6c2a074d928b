package dev.portcullis.approval;

import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/** Requests, decisions and a clock to move by hand, for the approval package's unit tests. */
final class Approvals {
  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  private Approvals() {}

  /** A clock that only moves when told. */
  static final class ManualClock extends Clock {
    private Instant now = T0;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static SessionInfo session(String subject) {
    return new SessionInfo("s-" + subject, "gw-1", new Identity(subject, List.of("agents"), "https://idp.test",
        T0.plusSeconds(3600)), "orders", "postgres");
  }

  /** {@code id} by {@code requester}, approvable by {@code db-owners}, expiring 5 minutes after {@link #T0}. */
  static ApprovalRequest request(String id, String requester, ApprovalRequest.Mode mode, String text,
      List<String> parameters) {
    return new ApprovalRequest(id, session(requester), "s-" + requester + "/1", text, text, parameters,
        StatementDigest.of(text, parameters), List.of("delete"), List.of("public.orders"), "p", "writes",
        "delete needs approval", List.of("db-owners"), T0, T0.plusSeconds(300), mode, 600);
  }

  static ApprovalRequest held(String id) {
    return request(id, "ci-bot", ApprovalRequest.Mode.HOLD, "DELETE FROM orders WHERE id = $1", List.of("7"));
  }

  static ApprovalRequest retry(String id) {
    return request(id, "ci-bot", ApprovalRequest.Mode.RETRY, "DELETE FROM orders WHERE id = $1", List.of("7"));
  }

  static ApprovalDecision.Approver alice() {
    return new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat");
  }

  static ApprovalDecision decision(ApprovalRequest r, ApprovalDecision.Outcome outcome,
      ApprovalDecision.Approver by) {
    return new ApprovalDecision(r.approvalId(), r.digest(), outcome, by, "because", T0.plusSeconds(10));
  }

  static ApprovalDecision approve(ApprovalRequest r) {
    return decision(r, ApprovalDecision.Outcome.APPROVED, alice());
  }
}
