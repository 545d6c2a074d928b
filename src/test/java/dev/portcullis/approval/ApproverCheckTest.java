package dev.portcullis.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Who may decide a request: an approver group member who is not the requester. */
class ApproverCheckTest {
  private final ApprovalRequest r = Approvals.held("a-1"); // requested by ci-bot, approvers db-owners

  @Test
  void aMemberOfAnApproverGroupMayDecide() {
    assertNull(ApproverCheck.refusal(r, "alice", List.of("db-owners")));
    assertNull(ApproverCheck.refusal(r, "alice", List.of("readers", "db-owners")), "one group is enough");
  }

  @Test
  void theRequesterNeverDecidesItsOwnStatement() {
    assertEquals("'ci-bot' requested this statement and cannot approve it",
        ApproverCheck.refusal(r, "ci-bot", List.of("db-owners")));
  }

  @Test
  void noGroupsOrOtherGroupsOrNoIdentityAreRefused() {
    assertEquals("'alice' is not in an approver group of rule 'writes' (db-owners)",
        ApproverCheck.refusal(r, "alice", List.of()));
    assertEquals("'alice' is not in an approver group of rule 'writes' (db-owners)",
        ApproverCheck.refusal(r, "alice", List.of("DB-OWNERS", "db-owner")), "groups match exactly");
    assertEquals("no approver identity", ApproverCheck.refusal(r, null, List.of("db-owners")));
    assertEquals("no approver identity", ApproverCheck.refusal(r, "", List.of("db-owners")));
  }

  @Test
  void aRuleWithoutApproverGroupsCanBeApprovedByNobody() {
    ApprovalRequest nobody = new ApprovalRequest("a-2", r.session(), r.statementId(), r.text(), r.fingerprint(),
        r.parameters(), r.digest(), r.kinds(), r.tables(), r.policy(), r.rule(), r.reason(), List.of(),
        r.requestedAt(), r.expiresAt(), r.mode(), r.grantTtlSeconds());
    assertEquals("rule 'writes' names no approver groups, so nobody can approve it",
        ApproverCheck.refusal(nobody, "alice", List.of("db-owners")));
    assertEquals("rule 'writes' names no approver groups, so nobody can approve it",
        ApproverCheck.refusal(nobody, "alice", List.of()));
  }
}
