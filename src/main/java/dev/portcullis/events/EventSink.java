package dev.portcullis.events;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where published events end up: the embedded {@link JournalSink}, or Kafka (its own issue). A batch is written in
 * order; the Future completes once the events are as durable as the sink makes them, and fails if any of them was
 * not written (the publisher then retries the whole batch, so consumers dedupe by event id).
 */
public interface EventSink {
  Future<Void> write(List<SessionEvent> batch);

  Future<Void> close();
}
