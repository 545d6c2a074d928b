package dev.portcullis.pg;

import java.util.ArrayDeque;

/**
 * The client messages answered by one ReadyForQuery, as {@link StatementTracker} follows them: what completes in
 * this cycle, which Describes await their answer, and how a refusal or the gateway's own probe shapes the replies.
 */
final class StatementCycle {
  /**
   * A statement whose completion is still due; {@code masking} is null when no rule can mask its result. An
   * Execute with a row limit that the server suspended continues in the next Execute of its portal:
   * {@code rowsBefore} counts what the earlier ones sent.
   */
  record Pending(String statementId, long startNanos, ResultMasking.Result masking, String portal, int maxRows,
      long rowsBefore) {
    Pending(String statementId, long startNanos, ResultMasking.Result masking) {
      this(statementId, startNanos, masking, null, 0, 0);
    }
  }

  /** A Describe on its way: the client's ({@code forResult} null, answer passed on) or the gateway's own. */
  record DescribeSent(ResultMasking.Result forResult) {}

  final ArrayDeque<Pending> completions = new ArrayDeque<>();
  /** Describes sent in this cycle, oldest first; each is answered by one RowDescription or NoData. */
  final ArrayDeque<DescribeSent> describes = new ArrayDeque<>();
  /** Set on the gateway's own describe probe before a masked COPY: every answer of the cycle is consumed. */
  ResultMasking.Result probeFor;
  boolean closed;
  boolean refusedParse;
  boolean sawRefusal;
  boolean droppedRefusalReady;
}
