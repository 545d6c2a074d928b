package dev.portcullis.approval;

import static dev.portcullis.approval.Approvals.T0;
import static dev.portcullis.approval.Approvals.alice;
import static dev.portcullis.approval.Approvals.approve;
import static dev.portcullis.approval.Approvals.decision;
import static dev.portcullis.approval.Approvals.held;
import static dev.portcullis.approval.Approvals.request;
import static dev.portcullis.approval.Approvals.retry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalBook.Effect;
import dev.portcullis.approval.ApprovalDecision.Approver;
import dev.portcullis.approval.ApprovalDecision.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping every gateway instance keeps of approvals, with a clock moved by hand. */
class ApprovalBookTest {
  /** The target of every request {@link Approvals} builds. */
  private static final String TARGET = "orders";
  private final Approvals.ManualClock clock = new Approvals.ManualClock();
  private final ApprovalBook book = new ApprovalBook(clock);
  private final List<ApprovalDecision> answers = new ArrayList<>();

  @Test
  void aPersonsDecisionMadeAfterExpiryChangesNothingButOneMadeInTimeCounts() {
    ApprovalRequest r = held("late-1");
    book.hold(r, answers::add);
    clock.advance(Duration.ofSeconds(301));
    ApprovalDecision late = new ApprovalDecision(r.approvalId(), r.digest(), Outcome.APPROVED, alice(), null,
        r.expiresAt().plusSeconds(1));
    assertEquals(Effect.INVALID, book.decided(late));
    assertEquals(List.of(), answers);
    ApprovalDecision inTime = new ApprovalDecision(r.approvalId(), r.digest(), Outcome.APPROVED, alice(), null,
        r.expiresAt().minusMillis(1));
    assertEquals(Effect.ANSWERED, book.decided(inTime), "decided in time, read just after: the sweep had not run");
  }

  @Test
  void aHeldStatementIsAnsweredByTheFirstDecisionOnly() {
    ApprovalRequest r = held("a-1");
    book.hold(r, answers::add);
    assertTrue(book.holds("a-1"));
    assertSame(r, book.heldRequest("a-1"));
    assertEquals(List.of(r), book.pending());
    assertFalse(book.wasDecided("a-1"));

    ApprovalDecision first = approve(r);
    assertEquals(Effect.ANSWERED, book.decided(first));
    assertEquals(List.of(first), answers);
    ApprovalDecision second = decision(r, Outcome.DENIED, new Approver("bob", List.of("db-owners"), "api"));
    assertEquals(Effect.ALREADY_DECIDED, book.decided(second), "a later decision changes nothing");
    assertEquals(Effect.ALREADY_DECIDED, book.decided(first), "nor does the same one read again");
    assertEquals(List.of(first), answers, "answered once");
    assertTrue(book.wasDecided("a-1"));
    assertFalse(book.holds("a-1"));
    assertEquals(List.of(), book.pending());
    assertNull(book.pending("a-1"));

    book.requested(r); // the request read back from the feed after its decision (replay, a slow consumer)
    assertEquals(List.of(), book.pending(), "a decided request does not come back");
  }

  @Test
  void aDecisionForOtherValuesOrBySomeoneWhoMayNotDecideIsInvalidAndChangesNothing() {
    ApprovalRequest r = held("a-1");
    book.hold(r, answers::add);
    ApprovalRequest sameTextOtherValue = request("a-1", "ci-bot", ApprovalRequest.Mode.HOLD, r.text(),
        List.of("8"));
    assertEquals(Effect.INVALID, book.decided(approve(sameTextOtherValue)), "digest of another Bind value");
    assertEquals(Effect.INVALID, book.decided(new ApprovalDecision("a-1", "sha256:" + "0".repeat(64),
        Outcome.APPROVED, alice(), null, T0)));
    assertEquals(Effect.INVALID, book.decided(decision(r, Outcome.APPROVED,
        new Approver("mallory", List.of("agents"), "api"))), "not in an approver group");
    assertEquals(Effect.INVALID, book.decided(decision(r, Outcome.DENIED,
        new Approver("mallory", List.of(), "chat"))), "denying needs the same right as approving");
    assertEquals(Effect.INVALID, book.decided(decision(r, Outcome.APPROVED,
        new Approver("ci-bot", List.of("db-owners"), "api"))), "the requester never approves itself");
    assertEquals(Effect.INVALID, book.decided(new ApprovalDecision("a-1", sameTextOtherValue.digest(),
        Outcome.EXPIRED, null, null, T0)), "even the gateway's own outcomes must name the same statement");
    assertEquals(List.of(), answers);
    assertFalse(book.wasDecided("a-1"));
    assertEquals(List.of(r), book.pending(), "still pending");

    assertEquals(Effect.ANSWERED, book.decided(approve(r)), "a valid decision still counts after invalid ones");
    assertEquals(1, answers.size());
  }

  @Test
  void decisionsForRequestsNobodyHoldsAreUnknownAndOtherInstancesRequestsAreNoted() {
    ApprovalRequest nobody = held("gone");
    assertEquals(Effect.UNKNOWN, book.decided(approve(nobody)));
    assertFalse(book.wasDecided("gone"), "an unknown decision is not remembered as deciding anything");

    ApprovalRequest elsewhere = held("a-2");
    book.requested(elsewhere); // held by another instance
    assertEquals(List.of(elsewhere), book.pending(), "listed here too, so any instance can decide it");
    assertFalse(book.holds("a-2"));
    assertEquals(Effect.NOTED, book.decided(approve(elsewhere)));
    assertEquals(List.of(), book.pending());
    assertEquals(Effect.ALREADY_DECIDED, book.decided(approve(elsewhere)));
    assertEquals(List.of(), answers);

    book.requested(held("late")); // read after it expired (a restart reading history)
    clock.advance(Duration.ofMinutes(6));
    book.requested(held("later"));
    assertNull(book.pending("later"));
    assertNull(book.pending("late"), "expired");
  }

  @Test
  void theGatewaysOwnOutcomesNeedNoApprover() {
    ApprovalRequest r = held("a-1");
    book.hold(r, answers::add);
    ApprovalDecision expired = decision(r, Outcome.EXPIRED, null);
    assertEquals(Effect.ANSWERED, book.decided(expired));
    assertEquals(List.of(expired), answers);
    ApprovalRequest w = held("a-2");
    book.hold(w, answers::add);
    assertEquals(Effect.ANSWERED, book.decided(decision(w, Outcome.WITHDRAWN, null)));
    assertEquals(Outcome.WITHDRAWN, answers.get(1).outcome());
  }

  @Test
  void aRetryGrantIsUsableOnceBySameIdentityForTheSameStatementWithinItsTtl() {
    ApprovalRequest r = retry("r-1");
    book.issueRetry(r);
    assertSame(r, book.openRetry("ci-bot", TARGET, r.digest()), "asked again before a decision: the same request");
    assertNull(book.openRetry("other-bot", TARGET, r.digest()));
    assertNull(book.openRetry("ci-bot", "billing", r.digest()), "nor the same text for another target");
    assertNull(book.openRetry("ci-bot", TARGET, StatementDigest.of(r.text(), List.of("8"))));
    assertNull(book.takeGrant("ci-bot", TARGET, r.digest()), "no grant before the approval");

    clock.advance(Duration.ofSeconds(30));
    assertEquals(Effect.GRANTED, book.decided(approve(r)));
    assertNull(book.openRetry("ci-bot", TARGET, r.digest()), "decided: no longer open");
    assertNull(book.takeGrant("other-bot", TARGET, r.digest()), "another identity cannot use it");
    assertNull(book.takeGrant("ci-bot", "billing", r.digest()), "nor the same identity on another target");
    assertNull(book.takeGrant("ci-bot", TARGET, StatementDigest.of(r.text(), List.of("8"))), "nor another statement");
    assertNull(book.takeGrant("ci-bot", TARGET, StatementDigest.of("DELETE FROM orders WHERE id = 7", List.of())),
        "nor the same statement with its value inlined (the fingerprint is not the key)");

    clock.advance(Duration.ofSeconds(599)); // ttl 600 s from the approval
    ApprovalDecision grant = book.takeGrant("ci-bot", TARGET, r.digest());
    assertEquals("r-1", grant.approvalId());
    assertEquals(Outcome.APPROVED, grant.outcome());
    assertNull(book.takeGrant("ci-bot", TARGET, r.digest()), "runs once");
    assertEquals(Effect.ALREADY_DECIDED, book.decided(approve(r)), "a second approval grants nothing more");
    assertNull(book.takeGrant("ci-bot", TARGET, r.digest()));
  }

  @Test
  void aRetryGrantEndsWithItsTtlAndARefusalGrantsNothing() {
    ApprovalRequest r = retry("r-1");
    book.issueRetry(r);
    assertEquals(Effect.GRANTED, book.decided(approve(r)));
    clock.advance(Duration.ofSeconds(600));
    assertNull(book.takeGrant("ci-bot", TARGET, r.digest()), "at the TTL it is over");

    ApprovalRequest denied = request("r-2", "ci-bot", ApprovalRequest.Mode.RETRY, "DELETE FROM orders", List.of());
    book.issueRetry(denied);
    assertEquals(Effect.NOTED, book.decided(decision(denied, Outcome.DENIED, alice())));
    assertNull(book.takeGrant("ci-bot", TARGET, denied.digest()));
    assertNull(book.openRetry("ci-bot", TARGET, denied.digest()), "decided, so a new attempt files a new request");
  }

  @Test
  void anOpenRetryRequestEndsAtItsExpiry() {
    ApprovalRequest r = retry("r-1");
    book.issueRetry(r);
    clock.advance(Duration.ofSeconds(299));
    assertSame(r, book.openRetry("ci-bot", TARGET, r.digest()));
    clock.advance(Duration.ofSeconds(1));
    assertNull(book.openRetry("ci-bot", TARGET, r.digest()));
    assertEquals(List.of(), book.pending());
  }

  @Test
  void expireReturnsHeldStatementsPastTheirTimeAndDropsWhatNobodyWaitsFor() {
    ApprovalRequest mine = held("mine");
    ApprovalRequest theirs = held("theirs");
    ApprovalRequest open = retry("open");
    ApprovalRequest granted = retry("granted");
    ApprovalRequest later = new ApprovalRequest("later", mine.session(), mine.statementId(), mine.text(),
        mine.fingerprint(), mine.parameters(), mine.digest(), mine.kinds(), mine.tables(), mine.policy(),
        mine.rule(), mine.reason(), mine.approverGroups(), T0.plusSeconds(1), T0.plusSeconds(3600),
        ApprovalRequest.Mode.HOLD, 600);
    book.hold(mine, answers::add);
    book.hold(later, answers::add);
    book.requested(theirs);
    book.issueRetry(open);
    book.issueRetry(granted);
    assertEquals(List.of("mine", "theirs", "open", "granted", "later"),
        book.pending().stream().map(ApprovalRequest::approvalId).toList(), "oldest first");
    assertEquals(Effect.GRANTED, book.decided(approve(granted)));

    clock.advance(Duration.ofSeconds(299));
    assertEquals(List.of(), book.expire(), "nothing is past its time yet");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(mine), book.expire(), "the held one is for the caller to answer (expired)");
    assertEquals(List.of(later), book.pending());
    assertTrue(book.holds("mine"), "held until the caller decides it");
    assertEquals(Effect.ANSWERED, book.decided(decision(mine, Outcome.EXPIRED, null)));
    assertEquals(List.of(), book.expire());

    assertEquals(Effect.UNKNOWN, book.decided(approve(theirs)), "dropped: another instance expires it");
    assertEquals(Effect.UNKNOWN, book.decided(approve(open)), "dropped: its agent files a new request");
    clock.advance(Duration.ofSeconds(600));
    book.expire();
    assertNull(book.takeGrant("ci-bot", TARGET, granted.digest()), "grants past their TTL are dropped");
    assertEquals(List.of(later), book.heldHere());
  }

  @Test
  void decidedIdsAreRememberedForADayAndThenForgotten() {
    ApprovalRequest r = held("a-1");
    book.hold(r, answers::add);
    book.decided(approve(r));
    clock.advance(Duration.ofHours(25));
    book.expire();
    assertTrue(book.wasDecided("a-1"), "exactly 25 h: still remembered");
    assertEquals(Effect.ALREADY_DECIDED, book.decided(approve(r)));
    clock.advance(Duration.ofSeconds(1));
    book.expire();
    assertFalse(book.wasDecided("a-1"), "forgotten, so the map stays bounded");
    assertEquals(Effect.UNKNOWN, book.decided(approve(r)), "and a very late duplicate finds nothing to act on");
    book.requested(r);
    assertEquals(List.of(), book.pending(), "a replayed old request has long expired");
    assertEquals(1, answers.size());
  }
}
