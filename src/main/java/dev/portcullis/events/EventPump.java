package dev.portcullis.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's logic without Vert.x wiring: a bounded FIFO queue feeding the sink one batch at a time (so
 * the sink sees events in arrival order), retrying a failed batch with exponential backoff until it succeeds.
 *
 * <p>Single-threaded: every method and every sink/timer callback must run on the same thread (the verticle's
 * event loop). Nothing here blocks.
 */
final class EventPump {
  /** Runs a task later, on the pump's thread. */
  interface Timer {
    void schedule(long delayMs, Runnable task);
  }

  private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
  private static final long LOG_EVERY_DROPS = 10_000;

  private final EventSink sink;
  private final PublisherSettings settings;
  private final Timer timer;
  private final ArrayDeque<SessionEvent> queue = new ArrayDeque<>();
  private List<SessionEvent> inFlight; // written, or waiting for a retry; never more than one
  private int failuresInRow;
  private long droppedSinceHealthy;
  private volatile long written;
  private volatile long dropped;
  private volatile long rejected;
  private volatile long retries;
  private volatile int queued;
  private Promise<Void> drained;
  private boolean stopped;
  private boolean lingering;

  EventPump(EventSink sink, PublisherSettings settings, Timer timer) {
    this.sink = sink;
    this.settings = settings;
    this.timer = timer;
  }

  /** Queues an event; returns false when it was refused (unpublishable, or the queue is full). */
  boolean offer(SessionEvent event) {
    try {
      EventJson.check(event);
    } catch (IllegalArgumentException e) {
      rejected++;
      LOG.error("event publisher: refusing an unpublishable event: {}", e.getMessage());
      return false;
    }
    if (queue.size() >= settings.capacity()) {
      dropped++;
      if (droppedSinceHealthy++ % LOG_EVERY_DROPS == 0) {
        LOG.error("event publisher: queue full ({} events, sink failing {} times in a row): AUDIT EVENTS ARE "
            + "BEING DROPPED, {} so far", settings.capacity(), failuresInRow, dropped);
      }
      return false;
    }
    queue.add(event);
    updateQueued();
    if (inFlight == null && (!lingering || queue.size() >= settings.maxBatch())) {
      startBatch();
    }
    return true;
  }

  /** Nothing in flight: write now when a batch is full (or linger is off), else let the batch fill a moment. */
  private void startBatch() {
    if (settings.lingerMs() == 0 || queue.size() >= settings.maxBatch() || drained != null) {
      next();
      return;
    }
    lingering = true;
    timer.schedule(settings.lingerMs(), () -> {
      lingering = false;
      if (inFlight == null) {
        next();
      }
    });
  }

  /** Completes once every event offered so far has been written (at once when nothing is pending). */
  Future<Void> drain() {
    if (inFlight == null && queue.isEmpty()) {
      return Future.succeededFuture();
    }
    if (drained == null) {
      drained = Promise.promise();
    }
    if (inFlight == null) {
      next(); // a lingering batch goes now
    }
    return drained.future();
  }

  /** Stops retrying (the verticle is gone); what is still queued is lost and stays counted in {@code queued}. */
  void stop() {
    stopped = true;
  }

  PublisherStats stats() {
    return new PublisherStats(written, dropped, rejected, retries, queued);
  }

  private void next() {
    if (queue.isEmpty()) {
      if (drained != null) {
        Promise<Void> p = drained;
        drained = null;
        p.complete();
      }
      return;
    }
    int n = Math.min(queue.size(), settings.maxBatch());
    List<SessionEvent> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(queue.poll());
    }
    inFlight = batch;
    write();
  }

  private void write() {
    if (stopped) {
      return;
    }
    Future<Void> result;
    try {
      result = sink.write(inFlight);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        written += inFlight.size();
        if (failuresInRow > 0) {
          LOG.warn("event publisher: sink recovered after {} failed writes; {} events dropped meanwhile",
              failuresInRow, droppedSinceHealthy);
        }
        failuresInRow = 0;
        droppedSinceHealthy = 0;
        inFlight = null;
        updateQueued();
        next();
      } else {
        retries++;
        long delay = backoff(failuresInRow++);
        if (failuresInRow == 1 || failuresInRow % 10 == 0) {
          LOG.error("event publisher: sink write of {} events failed ({} in a row), retrying in {} ms: {}",
              inFlight.size(), failuresInRow, delay, ar.cause().toString());
        }
        timer.schedule(delay, this::write);
      }
    });
  }

  private long backoff(int failures) {
    long delay = settings.minBackoffMs() << Math.min(failures, 20);
    return Math.min(delay, settings.maxBackoffMs());
  }

  private void updateQueued() {
    queued = queue.size() + (inFlight == null ? 0 : inFlight.size());
  }
}
