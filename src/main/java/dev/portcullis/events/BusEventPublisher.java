package dev.portcullis.events;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

/**
 * The gateway's {@link EventPublisher}: sends each event to the {@link EventPublisherVerticle} over the event bus
 * (local codec, no copy). Never blocks. Events sent from one thread (a session's event loop) arrive in order.
 * Needs {@code Codecs.register(vertx)} and a deployed publisher verticle: with no consumer an event is lost.
 */
public final class BusEventPublisher implements EventPublisher {
  private final EventBus bus;

  public BusEventPublisher(Vertx vertx) {
    this.bus = vertx.eventBus();
  }

  @Override
  public void publish(SessionEvent event) {
    bus.send(Addresses.EVENTS_PUBLISH, event);
  }
}
