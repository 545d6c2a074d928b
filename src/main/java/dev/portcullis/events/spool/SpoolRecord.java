package dev.portcullis.events.spool;

import java.util.Objects;

/**
 * One record waiting in the spool: where it goes and what it carries, already encoded.
 *
 * @param topic the Kafka topic, fixed when the event was spooled
 * @param key   the record key (the session id, UTF-8)
 * @param value the record value (the event's JSON line, UTF-8)
 */
public record SpoolRecord(String topic, byte[] key, byte[] value) {
  public SpoolRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
