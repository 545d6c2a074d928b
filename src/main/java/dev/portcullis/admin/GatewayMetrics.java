package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the gateway decided, for {@code /metrics}: written from every event loop, read by the admin
 * listener. {@link LongAdder}s, because increments are on the statement path and reads are rare.
 *
 * <p>Fed by {@link MeteredEventPublisher} from the session events the gateway publishes anyway, so the protocol code
 * needs no hooks of its own and a counter can never disagree with the audit trail.
 */
public final class GatewayMetrics {
  /** The {@code decision} values of {@code statement.decided}. */
  public enum StatementDecision {
    ALLOW, DENY, REVIEW;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final LongAdder sessionsStarted = new LongAdder();
  private final LongAdder sessionsEnded = new LongAdder();
  private final Map<StatementDecision, LongAdder> statements = new EnumMap<>(StatementDecision.class);
  private final LongAdder approvalsRequested = new LongAdder();
  private final Map<ApprovalDecision.Outcome, LongAdder> approvals = new EnumMap<>(ApprovalDecision.Outcome.class);

  public GatewayMetrics() {
    for (StatementDecision d : StatementDecision.values()) {
      statements.put(d, new LongAdder());
    }
    for (ApprovalDecision.Outcome o : ApprovalDecision.Outcome.values()) {
      approvals.put(o, new LongAdder());
    }
  }

  public void sessionStarted() {
    sessionsStarted.increment();
  }

  public void sessionEnded() {
    sessionsEnded.increment();
  }

  public void statementDecided(StatementDecision decision) {
    statements.get(decision).increment();
  }

  public void approvalRequested() {
    approvalsRequested.increment();
  }

  public void approvalDecided(ApprovalDecision.Outcome outcome) {
    approvals.get(outcome).increment();
  }

  public long sessionsStarted() {
    return sessionsStarted.sum();
  }

  /** Sessions started and not yet ended (read as two sums, so briefly off by one under load; never negative). */
  public long sessionsActive() {
    long ended = sessionsEnded.sum(); // first: an end counted after this read cannot make the result negative
    return Math.max(0, sessionsStarted.sum() - ended);
  }

  public long statementsDecided(StatementDecision decision) {
    return statements.get(decision).sum();
  }

  public long approvalsRequested() {
    return approvalsRequested.sum();
  }

  public long approvalsDecided(ApprovalDecision.Outcome outcome) {
    return approvals.get(outcome).sum();
  }
}
