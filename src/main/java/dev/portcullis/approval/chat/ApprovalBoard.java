package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What the bot knows about each approval: the request, where its message is, and how it was decided. Plain state
 * with no I/O, touched only from the bot's event-loop context (the Kafka threads hand records over to it), so it
 * needs no locks.
 *
 * <p>Two decisions are kept apart: the first one read from the decisions topic, which is the one the gateway acts
 * on (it ignores later ones), and the one this bot published, which counts as "decided" at once so that a second
 * click publishes nothing even before the first comes back from Kafka.
 */
final class ApprovalBoard {
  /** How long an approval is remembered after it expired (or, without its request, after it was decided). */
  static final Duration KEEP = Duration.ofHours(1);

  static final class Entry {
    final String approvalId;
    final Instant firstSeen;
    ApprovalRequest request;
    /** Where the message is: posted by this instance, or learnt from a click on it. */
    PostedMessage message;
    /** The post under way, so that a request delivered twice is posted once. */
    io.vertx.core.Future<Void> posting;
    /** The first decision read from the topic. */
    ApprovalDecision decision;
    /** The decision this bot published. */
    ApprovalDecision published;
    /** A click's decision is being published. */
    boolean deciding;
    /** The outcome the message shows now, or null while it shows the buttons. */
    ApprovalDecision shown;

    Entry(String approvalId, Instant firstSeen) {
      this.approvalId = approvalId;
      this.firstSeen = firstSeen;
    }

    /** Decided, or about to be: a further click changes nothing. */
    boolean settled() {
      return decision != null || published != null || deciding;
    }

    /** What the message should show: the topic's first decision, else ours, else null. */
    ApprovalDecision outcome() {
      return decision != null ? decision : published;
    }
  }

  private final Map<String, Entry> entries = new HashMap<>();

  /** Records the request (once) and returns its entry. */
  Entry request(ApprovalRequest r, Instant now) {
    Entry e = entries.computeIfAbsent(r.approvalId(), id -> new Entry(id, now));
    if (e.request == null) {
      e.request = r;
      if (e.decision != null && !e.decision.digest().equals(r.digest())) {
        e.decision = null; // read before its request, for other statement text: the gateway ignores it too
      }
    }
    return e;
  }

  Entry get(String approvalId) {
    return entries.get(approvalId);
  }

  /**
   * Records {@code d} if it is the first decision read for its approval (with the request's digest, when the
   * request is known). @return whether it was recorded
   */
  boolean decision(ApprovalDecision d, Instant now) {
    Entry e = entries.computeIfAbsent(d.approvalId(), id -> new Entry(id, now));
    if (e.decision != null || (e.request != null && !e.request.digest().equals(d.digest()))) {
      return false;
    }
    e.decision = d;
    return true;
  }

  /** Forgets approvals long over, so that memory stays bounded however long the bot runs. */
  int prune(Instant now) {
    int dropped = 0;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      Instant end = e.request != null ? e.request.expiresAt() : e.firstSeen;
      if (end.plus(KEEP).isBefore(now) && !e.deciding && (e.posting == null || e.posting.isComplete())) {
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  int size() {
    return entries.size();
  }
}
