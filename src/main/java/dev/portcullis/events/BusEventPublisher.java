package dev.portcullis.events;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.eventbus.EventBus;

/** Hands events to the {@link EventPublisherVerticle} over the event bus (local codec: no copy, no encoding). */
public final class BusEventPublisher implements EventPublisher {
  private final EventBus bus;

  public BusEventPublisher(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void publish(SessionEvent event) {
    bus.send(Addresses.EVENTS_PUBLISH, event);
  }
}
