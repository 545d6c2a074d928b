package dev.portcullis.forward;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters of the relays (shared by all forwarding verticle instances that are given the same one). */
public final class RelayCounters {
  private final LongAdder backendReadPauses = new LongAdder();
  private final LongAdder sessionsOpened = new LongAdder();
  private final AtomicInteger sessionsOpen = new AtomicInteger();

  /** How often a backend socket was paused because the client side had the full window unacknowledged. */
  public long backendReadPauses() {
    return backendReadPauses.sum();
  }

  public long sessionsOpened() {
    return sessionsOpened.sum();
  }

  public int sessionsOpen() {
    return sessionsOpen.get();
  }

  void backendPaused() {
    backendReadPauses.increment();
  }

  void sessionOpened() {
    sessionsOpened.increment();
    sessionsOpen.incrementAndGet();
  }

  void sessionClosed() {
    sessionsOpen.decrementAndGet();
  }
}
