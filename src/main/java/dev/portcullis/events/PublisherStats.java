package dev.portcullis.events;

/**
 * Counters of the event publisher, for {@code /metrics} and tests.
 *
 * @param written  events the sink acknowledged
 * @param dropped  events refused because the queue was full (the sink was down or too slow)
 * @param rejected events refused because they cannot be published ({@link EventJson#check} failed)
 * @param retries  failed sink writes that were retried
 * @param queued   events waiting, including the batch being written
 */
public record PublisherStats(long written, long dropped, long rejected, long retries, int queued) {}
