package dev.portcullis.events;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes session events off the bus ({@link Addresses#EVENTS_PUBLISH}) and writes them to the sink in arrival order,
 * one batch in flight at a time. A failed batch stays at the head of the queue and is retried with backoff, so an
 * event accepted here is written unless the queue bound is hit while the sink is down for long — then the newest
 * events are dropped, counted and logged, rather than the gateway running out of memory.
 */
public final class EventPublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisherVerticle.class);
  static final int MAX_BATCH = 2_000;
  static final long MAX_BACKOFF_MS = 5_000;

  private final EventSink sink;
  private final int maxQueued;
  private final ArrayDeque<SessionEvent> queue = new ArrayDeque<>();
  private MessageConsumer<SessionEvent> consumer;
  private List<SessionEvent> inFlight;
  private long backoffMs;
  private long dropped;
  private Promise<Void> drained;

  public EventPublisherVerticle(EventSink sink, int maxQueued) {
    this.sink = sink;
    this.maxQueued = maxQueued;
  }

  public EventPublisherVerticle(EventSink sink) {
    this(sink, 200_000);
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().<SessionEvent>localConsumer(Addresses.EVENTS_PUBLISH, m -> accept(m.body()));
    return consumer.completion();
  }

  private void accept(SessionEvent event) {
    if (queue.size() >= maxQueued) {
      if (dropped++ % 10_000 == 0) {
        LOG.error("event sink is not keeping up: {} events dropped so far (queue bound {})", dropped, maxQueued);
      }
      return;
    }
    queue.addLast(event);
    writeNext();
  }

  private void writeNext() {
    if (inFlight != null) {
      return;
    }
    if (queue.isEmpty()) {
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    List<SessionEvent> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(queue.pollFirst());
    }
    inFlight = batch;
    sink.write(batch).onComplete(ar -> {
      if (ar.succeeded()) {
        inFlight = null;
        backoffMs = 0;
        writeNext();
      } else {
        retryLater(ar.cause());
      }
    });
  }

  private void retryLater(Throwable cause) {
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs == 0 ? 100 : backoffMs * 2);
    LOG.warn("writing {} events failed ({}); retrying in {} ms", inFlight.size(), cause.toString(), backoffMs);
    // Back to the head of the queue, in order, so the retry keeps per-session order.
    for (int i = inFlight.size() - 1; i >= 0; i--) {
      queue.addFirst(inFlight.get(i));
    }
    inFlight = null;
    vertx.setTimer(backoffMs, t -> writeNext());
  }

  /** Events dropped because the queue was full (for metrics and tests). */
  public long dropped() {
    return dropped;
  }

  @Override
  public Future<?> stop() {
    drained = Promise.promise();
    Future<Void> unregistered = consumer.unregister();
    writeNext();
    // Give the sink a bounded time to take what is queued; a sink that is down cannot hold shutdown forever.
    long timer = vertx.setTimer(10_000, t -> drained.tryComplete());
    return unregistered.compose(v -> drained.future())
        .eventually(() -> {
          vertx.cancelTimer(timer);
          if (!queue.isEmpty() || inFlight != null) {
            LOG.error("stopping with {} events not written", queue.size() + (inFlight == null ? 0 : inFlight.size()));
          }
          return sink.close();
        });
  }
}
