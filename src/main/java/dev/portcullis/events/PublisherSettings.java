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
 */
public record PublisherSettings(
    int capacity, int maxBatch, long minBackoffMs, long maxBackoffMs, long drainTimeoutMs) {
  public PublisherSettings {
    if (capacity < 1 || maxBatch < 1 || minBackoffMs < 1 || maxBackoffMs < minBackoffMs || drainTimeoutMs < 0) {
      throw new IllegalArgumentException("invalid publisher settings: " + capacity + "/" + maxBatch + "/"
          + minBackoffMs + "/" + maxBackoffMs + "/" + drainTimeoutMs);
    }
  }

  public static PublisherSettings defaults() {
    return new PublisherSettings(100_000, 500, 100, 5_000, 10_000);
  }
}
