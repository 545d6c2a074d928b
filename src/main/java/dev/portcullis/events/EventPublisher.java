package dev.portcullis.events;

/**
 * Where protocol code hands session events. The gateway's implementation sends them over the event bus to the
 * event-publisher verticle, which writes them to the configured sink; publishing never blocks the caller.
 */
@FunctionalInterface
public interface EventPublisher {
  void publish(SessionEvent event);

  EventPublisher DISCARD = event -> {};
}
