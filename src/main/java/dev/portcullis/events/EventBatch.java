package dev.portcullis.events;

import java.util.List;

/** Events from one event loop, in publishing order, carried to the publisher verticle as one bus message. */
public record EventBatch(List<SessionEvent> events) {
  public EventBatch {
    events = List.copyOf(events);
  }
}
