package dev.portcullis.events;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's {@link EventPublisher}: hands events to the {@link EventPublisherVerticle} over the event bus
 * (local codec, no copy), in small batches. Never blocks.
 *
 * <p>Why batches: the publisher runs on its own event loop, and every bus message to another loop wakes that loop
 * up (a syscall on both sides). One message per event cost more CPU than the statement's own relay, so each
 * event loop collects its events and sends them together: at once when a session starts or ends or the batch is
 * full, otherwise after {@link #LINGER_MS}. A session publishes from one event loop, so its events stay in order;
 * since every session ends with {@code session.ended}, which flushes, nothing a session published is left behind
 * when its loop stops.
 *
 * <p>Calls from outside any Vert.x context (tests, shutdown hooks) are sent one by one. Needs
 * {@code Codecs.register(vertx)} and a deployed publisher verticle: with no consumer an event is lost.
 */
public final class BusEventPublisher implements EventPublisher {
  /** How long a statement event may wait for company; small next to the publisher's own linger (5 ms). */
  public static final long LINGER_MS = 1;
  /** A batch this large is sent at once. */
  public static final int MAX_BATCH = 256;

  private final Vertx vertx;
  private final EventBus bus;
  /** The per-event-loop batch lives in that loop's context data under this key. */
  private final Object key = new Object();

  public BusEventPublisher(Vertx vertx) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
  }

  /**
   * A publisher that sends every event at once, for rare events published while a verticle stops (approval
   * decisions): an undeployed verticle's linger timer is cancelled, and the batch it was waiting for with it.
   */
  public static EventPublisher unbatched(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    return event -> bus.send(Addresses.EVENTS_PUBLISH, new EventBatch(List.of(event)));
  }

  @Override
  public void publish(SessionEvent event) {
    Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext()) {
      bus.send(Addresses.EVENTS_PUBLISH, new EventBatch(List.of(event)));
      return;
    }
    Pending pending = ctx.get(key);
    if (pending == null) {
      pending = new Pending();
      ctx.put(key, pending);
    }
    pending.events.add(event);
    String type = event.type();
    if (pending.events.size() >= MAX_BATCH
        || EventType.SESSION_STARTED.equals(type) || EventType.SESSION_ENDED.equals(type)) {
      pending.flush();
    } else if (!pending.timerSet) {
      pending.timerSet = true;
      Pending p = pending;
      vertx.setTimer(LINGER_MS, id -> p.flush());
    }
  }

  /** One event loop's unsent events; only ever touched on that loop. */
  private final class Pending {
    private List<SessionEvent> events = new ArrayList<>();
    private boolean timerSet;

    void flush() {
      timerSet = false; // a timer still pending finds an empty batch, or a later one, and sends that: harmless
      if (events.isEmpty()) {
        return;
      }
      List<SessionEvent> batch = events;
      events = new ArrayList<>();
      bus.send(Addresses.EVENTS_PUBLISH, new EventBatch(batch));
    }
  }
}
