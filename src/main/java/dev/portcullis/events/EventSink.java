package dev.portcullis.events;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where the event publisher hands batches of events: the embedded journal ({@link JournalSink}) or Kafka.
 *
 * <p>Contract, so that any sink keeps per-session order and loses nothing:
 * <ul>
 *   <li>the publisher calls {@link #write} with one batch at a time and waits for its Future before the next;</li>
 *   <li>the Future completes once the batch is as durable as the sink can make it (journal: written to the files;
 *       Kafka: acknowledged by the brokers); it completes on the caller's Vert.x context;</li>
 *   <li>a failed Future means "retry the whole batch": a sink may have stored part of it, so delivery is
 *       at-least-once and consumers dedupe by the event {@code id};</li>
 *   <li>a sink never blocks the calling event loop;</li>
 *   <li>events arrive already checked by {@link EventJson#check}; route them with {@link TopicRouting}.</li>
 * </ul>
 */
public interface EventSink {
  Future<Void> write(List<SessionEvent> batch);

  /** Makes everything written durable and releases files/connections; later writes fail. */
  Future<Void> close();
}
