package dev.portcullis.events;

/**
 * Which topic an event type belongs to (design-notes §4). The journal uses the same names for its files, so moving
 * from the journal to Kafka changes where events go, not how they are grouped.
 */
public final class TopicRouting {
  public static final String DEFAULT_PREFIX = "portcullis.";

  private final String prefix;

  public TopicRouting(String prefix) {
    this.prefix = prefix == null ? DEFAULT_PREFIX : prefix;
  }

  public String topicFor(String eventType) {
    return prefix + switch (eventType) {
      case EventType.IO_FRAME -> "recordings";
      case EventType.APPROVAL_REQUESTED -> "approvals.requests";
      case EventType.APPROVAL_DECIDED -> "approvals.decisions";
      default -> "sessions";
    };
  }
}
