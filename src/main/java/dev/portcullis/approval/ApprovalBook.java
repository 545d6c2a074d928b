package dev.portcullis.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one gateway instance knows about approvals: every pending request of every instance (to list and decide
 * them from here), the statements this instance holds (to answer them), and the retry-mode grants it issued.
 * Plain and single-threaded: {@link ApprovalVerticle} calls it on its one context.
 *
 * <p>A decision is acted on once: the first decision read for a request wins; later ones (a second click, another
 * approver, a replayed message) are recorded by the caller and change nothing.
 */
final class ApprovalBook {
  /** What {@link #decided} did with a decision. */
  enum Effect {
    /** A statement held here got its answer. */
    ANSWERED,
    /** A retry-mode request issued here was approved: the same identity may run the same statement once. */
    GRANTED,
    /** Another instance's request (or a refusal of a retry-mode one): the pending list was updated. */
    NOTED,
    /** The request was decided before: nothing changes. */
    ALREADY_DECIDED,
    /** Nobody here or elsewhere is known to hold it (e.g. its gateway restarted): nothing changes. */
    UNKNOWN,
    /** It does not match the request (digest) or its approver may not decide it: nothing changes. */
    INVALID
  }

  private record Held(ApprovalRequest request, Consumer<ApprovalDecision> answer) {}

  private record Grant(ApprovalRequest request, ApprovalDecision decision, Instant until) {}

  /** Remember decided ids this long, so that late duplicates are recognized (and the map stays bounded). */
  private static final Duration DECIDED_MEMORY = Duration.ofHours(25);

  private final Clock clock;
  private final Map<String, ApprovalRequest> pending = new LinkedHashMap<>();
  private final Map<String, Held> held = new HashMap<>();
  /** Retry-mode requests issued here and not yet decided. */
  private final Map<String, ApprovalRequest> retries = new HashMap<>();
  /** subject + "\n" + digest → an approval usable once. */
  private final Map<String, Grant> grants = new HashMap<>();
  private final Map<String, Instant> decided = new LinkedHashMap<>();
  /**
   * Decisions read before their request, in the order read. The two topics are read as separate partitions, with
   * no order between them: a restarted instance can read a withdrawal before the request it withdraws, and must
   * not list that request as pending when it comes.
   */
  private final Map<String, List<Early>> early = new HashMap<>();

  private record Early(ApprovalDecision decision, Instant readAt) {}

  ApprovalBook(Clock clock) {
    this.clock = clock;
  }

  /** A statement of a session on this instance waits for {@code answer}. */
  void hold(ApprovalRequest r, Consumer<ApprovalDecision> answer) {
    held.put(r.approvalId(), new Held(r, answer));
    pending.put(r.approvalId(), r);
  }

  /** A retry-mode request issued here: an approval becomes a grant. */
  void issueRetry(ApprovalRequest r) {
    retries.put(r.approvalId(), r);
    pending.put(r.approvalId(), r);
  }

  /** A request read from the feed (any instance's, this one's included). */
  void requested(ApprovalRequest r) {
    if (decided.containsKey(r.approvalId()) || !r.expiresAt().isAfter(clock.instant())) {
      return;
    }
    List<Early> before = early.remove(r.approvalId());
    if (before != null && before.stream().anyMatch(e -> valid(r, e.decision()))) {
      decided.put(r.approvalId(), clock.instant()); // decided before this instance read the request
      return;
    }
    pending.putIfAbsent(r.approvalId(), r);
  }

  /** The pending request with this id, or {@code null}. */
  ApprovalRequest pending(String approvalId) {
    ApprovalRequest r = pending.get(approvalId);
    return r != null && r.expiresAt().isAfter(clock.instant()) ? r : null;
  }

  boolean wasDecided(String approvalId) {
    return decided.containsKey(approvalId);
  }

  /** Pending requests of every instance, oldest first. */
  List<ApprovalRequest> pending() {
    Instant now = clock.instant();
    List<ApprovalRequest> out = new ArrayList<>();
    for (ApprovalRequest r : pending.values()) {
      if (r.expiresAt().isAfter(now)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(ApprovalRequest::requestedAt));
    return out;
  }

  /** A decision read from the feed, or made here (expiry, withdrawal). */
  Effect decided(ApprovalDecision d) {
    if (decided.containsKey(d.approvalId())) {
      return Effect.ALREADY_DECIDED;
    }
    ApprovalRequest r = pending.get(d.approvalId());
    if (r == null) {
      early.computeIfAbsent(d.approvalId(), id -> new ArrayList<>()).add(new Early(d, clock.instant()));
      return Effect.UNKNOWN;
    }
    if (!valid(r, d)) {
      return Effect.INVALID;
    }
    pending.remove(d.approvalId());
    decided.put(d.approvalId(), clock.instant());
    Held h = held.remove(d.approvalId());
    if (h != null) {
      h.answer().accept(d);
      return Effect.ANSWERED;
    }
    ApprovalRequest retry = retries.remove(d.approvalId());
    if (retry != null && d.outcome() == ApprovalDecision.Outcome.APPROVED) {
      grants.put(grantKey(retry.requester(), retry.session().target(), retry.digest()),
          new Grant(retry, d, clock.instant().plusSeconds(retry.grantTtlSeconds())));
      return Effect.GRANTED;
    }
    return Effect.NOTED;
  }

  /**
   * Takes the grant for this identity and exact statement on this target, if one is usable: it is gone afterwards
   * (it runs once). Returns the approval it came from, or {@code null}. The target is part of the key: the same text
   * approved for one database or host is not approved for another.
   */
  ApprovalDecision takeGrant(String subject, String target, String digest) {
    Grant g = grants.remove(grantKey(subject, target, digest));
    return g != null && g.until().isAfter(clock.instant()) ? g.decision() : null;
  }

  /** The held request with this id, or {@code null}. */
  ApprovalRequest heldRequest(String approvalId) {
    Held h = held.get(approvalId);
    return h == null ? null : h.request();
  }

  /**
   * A retry-mode request of this identity for this exact statement on this target that waits for a decision, or
   * {@code null}.
   */
  ApprovalRequest openRetry(String subject, String target, String digest) {
    for (ApprovalRequest r : retries.values()) {
      if (r.requester().equals(subject) && r.session().target().equals(target) && r.digest().equals(digest)
          && r.expiresAt().isAfter(clock.instant())) {
        return r;
      }
    }
    return null;
  }

  /** Whether a statement of this instance waits for this request. */
  boolean holds(String approvalId) {
    return held.containsKey(approvalId);
  }

  /**
   * Statements held here whose time ran out (the caller decides them {@code EXPIRED}, which answers them), after
   * dropping expired requests, grants and old decided ids, so that nothing grows without bound.
   */
  List<ApprovalRequest> expire() {
    Instant now = clock.instant();
    List<ApprovalRequest> out = new ArrayList<>();
    for (Held h : held.values()) {
      if (!h.request().expiresAt().isAfter(now)) {
        out.add(h.request());
      }
    }
    pending.values().removeIf(r -> !r.expiresAt().isAfter(now) && !held.containsKey(r.approvalId()));
    retries.values().removeIf(r -> !r.expiresAt().isAfter(now));
    grants.values().removeIf(g -> !g.until().isAfter(now));
    decided.values().removeIf(at -> at.plus(DECIDED_MEMORY).isBefore(now));
    early.values().removeIf(list -> list.get(list.size() - 1).readAt().plus(DECIDED_MEMORY).isBefore(now));
    return out;
  }

  /** Statements held here (for a shutdown that must answer them all). */
  List<ApprovalRequest> heldHere() {
    List<ApprovalRequest> out = new ArrayList<>();
    held.values().forEach(h -> out.add(h.request()));
    return out;
  }

  /** Whether {@code d} decides exactly {@code r} (same digest), by someone who may decide it. */
  /**
   * The decision is for exactly this request, and a person's decision was made by someone who may decide it, before
   * the request expired (a decision made in time but read a moment after still counts).
   */
  private static boolean valid(ApprovalRequest r, ApprovalDecision d) {
    return r.digest().equals(d.digest()) && (!d.outcome().byPerson()
        || (d.decidedAt().isBefore(r.expiresAt())
            && ApproverCheck.refusal(r, d.decidedBy().subject(), d.decidedBy().groups()) == null));
  }

  private static String grantKey(String subject, String target, String digest) {
    return subject + "\n" + target + "\n" + digest;
  }
}
