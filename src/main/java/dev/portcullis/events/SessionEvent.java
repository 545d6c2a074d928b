package dev.portcullis.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One fact about a session (design-notes §4), published to the journal or Kafka keyed by {@code sessionId}.
 * The JSON form is documented by the JSON Schema files under {@code src/main/resources/schemas/}.
 *
 * @param id      unique, for consumers' dedupe (a time-ordered UUID, see {@link EventIds})
 * @param type    one of {@link EventType}'s values
 * @param time    microsecond precision (RFC 3339 in JSON)
 * @param details the type-specific fields; values are JSON-friendly (String, Number, Boolean, List, Map, null).
 *                Never a token, a password, or a value that masking hides.
 */
public record SessionEvent(String id, String type, Instant time, SessionInfo session, Map<String, Object> details) {
  public static final int SCHEMA_VERSION = 1;

  public SessionEvent {
    details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static SessionEvent of(String type, SessionInfo session, Map<String, Object> details) {
    return new SessionEvent(
        EventIds.next(), type, Instant.now().truncatedTo(ChronoUnit.MICROS), session, details);
  }
}
