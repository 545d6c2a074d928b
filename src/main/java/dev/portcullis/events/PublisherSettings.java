package dev.portcullis.events;

/**
 * Tuning of the {@link EventPublisherVerticle}.
 *
 * @param capacity       events queued while the sink is slow or down; beyond it new events are dropped (and
 *                       counted and logged), because blocking protocol code would stall every session
 * @param maxBatch       most events handed to the sink in one write
 * @param minBackoffMs   first retry delay after a failed write; doubles per failure up to {@code maxBackoffMs}
 * @param maxBackoffMs   longest retry delay
 * @param drainTimeoutMs how long undeploying waits for the queue to reach the sink before giving up (and logging
 *                       how many events were lost)
 * @param lingerMs       how long the first event of an idle publisher waits for company before the batch is
 *                       written (like Kafka's {@code linger.ms}): under load every sink write then carries many
 *                       events instead of one, which costs far fewer thread hand-offs; 0 writes at once
 */
public record PublisherSettings(
    int capacity, int maxBatch, long minBackoffMs, long maxBackoffMs, long drainTimeoutMs, long lingerMs) {
  public PublisherSettings {
    if (capacity < 1 || maxBatch < 1 || minBackoffMs < 1 || maxBackoffMs < minBackoffMs || drainTimeoutMs < 0
        || lingerMs < 0) {
      throw new IllegalArgumentException("invalid publisher settings: " + capacity + "/" + maxBatch + "/"
          + minBackoffMs + "/" + maxBackoffMs + "/" + drainTimeoutMs + "/" + lingerMs);
    }
  }

  /** Settings that write at once (no linger). */
  public PublisherSettings(int capacity, int maxBatch, long minBackoffMs, long maxBackoffMs, long drainTimeoutMs) {
    this(capacity, maxBatch, minBackoffMs, maxBackoffMs, drainTimeoutMs, 0);
  }

  /** 5 ms of linger: invisible next to a human reading an audit trail, and batches of dozens under load. */
  public static PublisherSettings defaults() {
    return new PublisherSettings(100_000, 500, 100, 5_000, 10_000, 5);
  }
}
