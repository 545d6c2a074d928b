package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pump without Vert.x: the test plays the sink and the timer, so every step is explicit. */
class EventPumpTest {
  /** Each write waits until the test completes it; the first {@code failures} writes fail. */
  static final class ScriptedSink implements EventSink {
    final List<List<SessionEvent>> attempts = new ArrayList<>();
    final List<SessionEvent> stored = new ArrayList<>();
    final ArrayDeque<Promise<Void>> pending = new ArrayDeque<>();
    int failures;

    ScriptedSink(int failures) {
      this.failures = failures;
    }

    @Override
    public Future<Void> write(List<SessionEvent> batch) {
      attempts.add(List.copyOf(batch));
      Promise<Void> p = Promise.promise();
      pending.add(p);
      p.future().onSuccess(v -> stored.addAll(batch));
      return p.future();
    }

    void finishOne() {
      Promise<Void> p = pending.poll();
      if (failures > 0) {
        failures--;
        p.fail("sink down");
      } else {
        p.complete();
      }
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  final List<Long> delays = new ArrayList<>();
  final ArrayDeque<Runnable> timers = new ArrayDeque<>();
  final EventPump.Timer timer = (delay, task) -> {
    delays.add(delay);
    timers.add(task);
  };

  final List<SessionEvent> events = new ArrayList<>();

  {
    for (int n = 0; n < 10; n++) {
      events.add(SessionEvents.ended(SessionEventsTest.SESSION, "e" + n, n, n));
    }
  }

  SessionEvent event(int n) {
    return events.get(n);
  }

  @Test
  void lingerGathersEventsIntoOneWriteAndDrainDoesNotWaitForIt() {
    ScriptedSink sink = new ScriptedSink(0);
    EventPump pump = new EventPump(sink, new PublisherSettings(100, 3, 10, 25, 1000, 5), timer);
    assertTrue(pump.offer(event(0)));
    assertTrue(pump.offer(event(1)));
    assertEquals(0, sink.attempts.size(), "the first event waits for company");
    assertEquals(List.of(5L), delays);
    timers.poll().run();
    assertEquals(List.of(List.of(event(0), event(1))), sink.attempts, "one write for the lingering batch");
    sink.finishOne();

    assertTrue(pump.offer(event(2)));
    assertEquals(1, sink.attempts.size());
    Future<Void> drained = pump.drain();
    assertEquals(List.of(event(2)), sink.attempts.get(1), "drain writes a lingering batch at once");
    sink.finishOne();
    assertTrue(drained.succeeded());
    timers.poll().run(); // the linger timer firing late finds nothing to do
    assertEquals(2, sink.attempts.size());

    for (int i = 3; i < 6; i++) {
      assertTrue(pump.offer(event(i)));
    }
    assertEquals(List.of(event(3), event(4), event(5)), sink.attempts.get(2), "a full batch does not linger");
  }

  @Test
  void aFailedBatchIsRetriedWithBackoffWithoutLossOrReordering() {
    ScriptedSink sink = new ScriptedSink(2);
    EventPump pump = new EventPump(sink, new PublisherSettings(100, 3, 10, 25, 1000), timer);
    for (int i = 0; i < 5; i++) {
      assertTrue(pump.offer(event(i)));
    }
    assertEquals(1, sink.attempts.size(), "one batch in flight at a time");
    assertEquals(List.of(event(0)), sink.attempts.get(0), "the first event goes out at once, without waiting");

    sink.finishOne(); // fails
    assertEquals(List.of(10L), delays);
    pump.offer(event(5)); // arrives while waiting for the retry: must not overtake
    assertEquals(1, sink.attempts.size());
    timers.poll().run();
    sink.finishOne(); // fails again
    assertEquals(List.of(10L, 20L), delays);
    timers.poll().run();
    assertEquals(sink.attempts.get(0), sink.attempts.get(2), "the same batch is retried");
    sink.finishOne(); // succeeds
    assertEquals(List.of(event(1), event(2), event(3)), sink.attempts.get(3), "what queued meanwhile is batched");
    sink.finishOne();
    assertEquals(List.of(event(4), event(5)), sink.attempts.get(4));
    sink.finishOne();
    assertTrue(sink.pending.isEmpty());
    assertEquals(List.of(event(0), event(1), event(2), event(3), event(4), event(5)), sink.stored);
    assertEquals(new PublisherStats(6, 0, 0, 2, 0), pump.stats());
  }

  @Test
  void backoffIsCapped() {
    ScriptedSink sink = new ScriptedSink(5);
    EventPump pump = new EventPump(sink, new PublisherSettings(100, 3, 10, 25, 1000), timer);
    pump.offer(event(0));
    for (int i = 0; i < 5; i++) {
      sink.finishOne();
      timers.poll().run();
    }
    assertEquals(List.of(10L, 20L, 25L, 25L, 25L), delays);
    sink.finishOne();
    assertEquals(List.of(event(0)), sink.stored);
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() {
    ScriptedSink sink = new ScriptedSink(0);
    EventPump pump = new EventPump(sink, new PublisherSettings(2, 1, 10, 10, 1000), timer);
    assertTrue(pump.offer(event(0))); // goes in flight
    assertTrue(pump.offer(event(1)));
    assertTrue(pump.offer(event(2)));
    assertFalse(pump.offer(event(3)));
    assertEquals(new PublisherStats(0, 1, 0, 0, 3), pump.stats());
    while (!sink.pending.isEmpty()) {
      sink.finishOne();
    }
    assertEquals(List.of(event(0), event(1), event(2)), sink.stored);
  }

  @Test
  void unpublishableEventsAreRefusedOnArrival() {
    ScriptedSink sink = new ScriptedSink(0);
    EventPump pump = new EventPump(sink, PublisherSettings.defaults(), timer);
    assertFalse(pump.offer(SessionEvent.of(EventType.SESSION_ENDED, SessionEventsTest.SESSION,
        Map.of("sessionId", "forged"))));
    assertTrue(sink.attempts.isEmpty());
    assertEquals(1, pump.stats().rejected());
  }

  @Test
  void drainCompletesWhenEverythingIsWritten() {
    ScriptedSink sink = new ScriptedSink(1);
    EventPump pump = new EventPump(sink, new PublisherSettings(100, 1, 10, 10, 1000), timer);
    assertTrue(pump.drain().succeeded());
    pump.offer(event(0));
    pump.offer(event(1));
    Future<Void> drained = pump.drain();
    sink.finishOne();
    timers.poll().run();
    sink.finishOne();
    assertFalse(drained.isComplete());
    sink.finishOne();
    assertTrue(drained.succeeded());
    assertEquals(List.of(event(0), event(1)), sink.stored);
  }

  @Test
  void aSinkThatThrowsIsTreatedAsAFailedWrite() {
    int[] calls = {0};
    EventSink throwing = new EventSink() {
      @Override
      public Future<Void> write(List<SessionEvent> batch) {
        if (calls[0]++ == 0) {
          throw new IllegalStateException("boom");
        }
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
    EventPump pump = new EventPump(throwing, new PublisherSettings(100_000, 500, 100, 5_000, 10_000), timer);
    pump.offer(event(0));
    timers.poll().run();
    assertEquals(new PublisherStats(1, 0, 0, 1, 0), pump.stats());
  }
}
