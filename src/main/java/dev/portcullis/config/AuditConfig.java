package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The audit consumer's config ({@code portcullis audit-sink --config audit.yaml}; {@code audit search} and
 * {@code replay} read the same file): which Kafka topics to read and the PostgreSQL audit store to write.
 */
public record AuditConfig(Kafka kafka, Store store) {
  /**
   * @param properties extra consumer properties (e.g. {@code security.protocol}); never one Portcullis sets itself
   */
  public record Kafka(String bootstrapServers, String topicPrefix, String groupId, Map<String, String> properties) {
    public Kafka {
      properties = Map.copyOf(properties);
    }
  }

  /** @param password {@code null} when the store needs none (trust or peer authentication) */
  public record Store(String host, int port, String database, String username, Secret password, StoreTls tls) {
    /** {@code postgresql://user@host:port/db}: for logs; never holds the password. */
    public String describe() {
      return "postgresql://" + username + "@" + host + ":" + port + "/" + database
          + (tls.mode() == StoreTls.Mode.DISABLE ? "" : " (tls " + tls.mode().name().toLowerCase().replace('_', '-') + ")");
    }
  }

  /** @param ca PEM CA certificates to trust, or {@code null} for the JVM's default trust store */
  public record StoreTls(Mode mode, Path ca) {
    public enum Mode { DISABLE, REQUIRE, VERIFY_FULL }

    public static StoreTls disabled() {
      return new StoreTls(Mode.DISABLE, null);
    }
  }
}
