package dev.portcullis.events;

import java.util.List;
import java.util.Objects;

/**
 * Which topic an event type goes to (design-notes §4): lifecycle and statements share {@code sessions} so that a
 * session's timeline is one ordered, sessionId-keyed stream; replay frames, approval requests and decisions have
 * their own. The journal names its files after the same topics.
 *
 * @param prefix prepended to every suffix, {@code "portcullis."} by default
 */
public record TopicRouting(String prefix) {
  public static final String DEFAULT_PREFIX = "portcullis.";
  public static final String SESSIONS = "sessions";
  public static final String RECORDINGS = "recordings";
  public static final String APPROVAL_REQUESTS = "approvals.requests";
  public static final String APPROVAL_DECISIONS = "approvals.decisions";

  public TopicRouting {
    Objects.requireNonNull(prefix, "prefix");
  }

  public static TopicRouting defaults() {
    return new TopicRouting(DEFAULT_PREFIX);
  }

  /** The suffix for an event type; unknown types go to {@code sessions} so that nothing is lost. */
  public static String suffixFor(String type) {
    switch (type) {
      case EventType.IO_FRAME:
        return RECORDINGS;
      case EventType.APPROVAL_REQUESTED:
        return APPROVAL_REQUESTS;
      case EventType.APPROVAL_DECIDED:
        return APPROVAL_DECISIONS;
      default:
        return SESSIONS;
    }
  }

  /** The full topic name, e.g. {@code portcullis.sessions}. */
  public String topicFor(String type) {
    return prefix + suffixFor(type);
  }

  /** Every topic, in a fixed order. */
  public List<String> topics() {
    return List.of(prefix + SESSIONS, prefix + RECORDINGS, prefix + APPROVAL_REQUESTS, prefix + APPROVAL_DECISIONS);
  }
}
