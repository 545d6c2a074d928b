package dev.portcullis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code events:}: where session events go.
 *
 * @param sink       {@code journal} (default) or {@code kafka}
 * @param journalDir directory of the append-only JSON-lines journal
 * @param kafka      Kafka settings, {@code null} unless {@code sink: kafka}
 */
public record EventsConfig(Sink sink, Path journalDir, Kafka kafka) {
  public enum Sink { JOURNAL, KAFKA }

  /** What the gateway does with new sessions while audit events cannot be delivered. */
  public enum OnUnavailable {
    /** New PostgreSQL sessions are refused (57P03); running sessions continue and keep spooling. */
    REFUSE_SESSIONS,
    /** Sessions keep being served; the gateway logs an ERROR while the state lasts and counts it. */
    KEEP_SERVING
  }

  /**
   * {@code events.kafka}.
   *
   * @param spoolDir      the durable write-ahead spool every event passes through before Kafka
   * @param spoolMaxBytes beyond this the spool takes no more events (they are dropped, counted and logged)
   * @param maxOutage     Kafka unreachable (events waiting, none acknowledged) longer than this counts as unavailable
   * @param properties    extra producer properties; never one of {@link #RESERVED_PROPERTIES}
   */
  public record Kafka(String bootstrapServers, String topicPrefix, Path spoolDir, long spoolMaxBytes,
      OnUnavailable onUnavailable, Duration maxOutage, Map<String, String> properties) {
    public static final String DEFAULT_TOPIC_PREFIX = "portcullis.";
    public static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
    public static final Duration DEFAULT_MAX_OUTAGE = Duration.ofMinutes(5);
    /**
     * Producer properties Portcullis sets itself: the delivery guarantees (order, no loss, idempotence) depend on
     * them, so a config may not override them.
     */
    public static final Set<String> RESERVED_PROPERTIES = Set.of("bootstrap.servers", "key.serializer",
        "value.serializer", "enable.idempotence", "acks", "max.in.flight.requests.per.connection", "retries",
        "delivery.timeout.ms", "transactional.id");

    public Kafka {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topicPrefix, "topicPrefix");
      Objects.requireNonNull(spoolDir, "spoolDir");
      Objects.requireNonNull(onUnavailable, "onUnavailable");
      Objects.requireNonNull(maxOutage, "maxOutage");
      properties = Map.copyOf(properties);
      for (String key : properties.keySet()) {
        if (RESERVED_PROPERTIES.contains(key)) {
          throw new IllegalArgumentException("producer property '" + key + "' is set by Portcullis itself");
        }
      }
      if (spoolMaxBytes < 1 || maxOutage.isNegative() || maxOutage.isZero()) {
        throw new IllegalArgumentException("spool maxBytes and maxOutage must be positive");
      }
    }

    /** Defaults for everything but the broker and the spool directory. */
    public static Kafka of(String bootstrapServers, Path spoolDir) {
      return new Kafka(bootstrapServers, DEFAULT_TOPIC_PREFIX, spoolDir, DEFAULT_SPOOL_MAX_BYTES,
          OnUnavailable.REFUSE_SESSIONS, DEFAULT_MAX_OUTAGE, Map.of());
    }
  }
}
