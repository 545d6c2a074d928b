package dev.portcullis.config;

import java.nio.file.Path;

/**
 * {@code events:}: where session events go.
 *
 * @param sink       {@code journal} (default) or {@code kafka}
 * @param journalDir directory of the append-only JSON-lines journal
 * @param kafka      Kafka settings, {@code null} unless {@code sink: kafka}
 */
public record EventsConfig(Sink sink, Path journalDir, Kafka kafka) {
  public enum Sink { JOURNAL, KAFKA }

  public record Kafka(String bootstrapServers, String topicPrefix) {}
}
