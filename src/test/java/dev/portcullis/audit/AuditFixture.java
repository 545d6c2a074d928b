package dev.portcullis.audit;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.config.Secret;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.LocalPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real audit store and real topics for one test: a fresh database on the shared {@link LocalPostgres}, owned by
 * the login role {@link #ROLE} (SCRAM password known only to the fixture and the config it writes), and a topic
 * prefix of its own on the shared {@link LocalKafka}.
 */
public final class AuditFixture {
  public static final String ROLE = "portcullis_audit";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Secret password;

  public final String database;
  public final String prefix;
  public final TopicRouting routing;
  private final LocalKafka kafka;

  private AuditFixture(String database, String prefix, LocalKafka kafka) {
    this.database = database;
    this.prefix = prefix;
    this.routing = new TopicRouting(prefix);
    this.kafka = kafka;
  }

  /** A new database and topic prefix; the four topics exist with {@code partitions} partitions each. */
  public static AuditFixture create(String name, int partitions) throws SQLException {
    return create(name, partitions, LocalKafka.get());
  }

  public static AuditFixture create(String name, int partitions, LocalKafka kafka) throws SQLException {
    String unique = name + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    String database = "audit_" + unique;
    try (Connection c = LocalPostgres.get().adminConnection("postgres"); Statement s = c.createStatement()) {
      ensureRole(s);
      s.execute("CREATE DATABASE " + database + " OWNER " + ROLE);
    }
    AuditFixture f = new AuditFixture(database, "t" + unique + ".", kafka);
    kafka.createTopics(partitions, f.routing.topics().toArray(new String[0]));
    return f;
  }

  private static synchronized void ensureRole(Statement s) throws SQLException {
    if (password != null) {
      return;
    }
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    password = new Secret("audit-" + HexFormat.of().formatHex(bytes));
    try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
      if (rs.next()) {
        s.execute("ALTER ROLE " + ROLE + " LOGIN PASSWORD '" + password.reveal() + "'");
        return;
      }
    }
    s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + password.reveal() + "'");
  }

  public static Secret password() {
    return password;
  }

  public AuditConfig.Store store() {
    LocalPostgres pg = LocalPostgres.get();
    return new AuditConfig.Store(pg.host(), pg.port(), database, ROLE, password, AuditConfig.StoreTls.disabled());
  }

  public AuditConfig.Kafka kafka(String groupId) {
    return new AuditConfig.Kafka(kafka.bootstrapServers(), prefix, groupId, Map.of());
  }

  public AuditConfig config(String groupId) {
    return new AuditConfig(kafka(groupId), store());
  }

  /** Writes {@code audit.yaml} (and the password file beside it) for CLI tests. */
  public Path writeConfig(Path dir, String groupId) throws IOException {
    Files.writeString(dir.resolve("audit.pw"), password.reveal() + "\n");
    Path file = dir.resolve("audit.yaml");
    LocalPostgres pg = LocalPostgres.get();
    Files.writeString(file, """
        kafka:
          bootstrapServers: "%s"
          topicPrefix: "%s"
          groupId: %s
        store:
          host: %s
          port: %d
          database: %s
          username: %s
          passwordFile: audit.pw
        """.formatted(kafka.bootstrapServers(), prefix, groupId, pg.host(), pg.port(), database, ROLE));
    return file;
  }

  /** A producer as a gateway would use (acks=all); close it. */
  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Publishes events as the gateway does: topic by type, key = session id, value = the JSON line. */
  public void publish(List<SessionEvent> events) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (SessionEvent e : events) {
        producer.send(new ProducerRecord<>(routing.topicFor(e.type()),
            e.session().sessionId().getBytes(StandardCharsets.UTF_8),
            EventJson.encode(e).getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  /** A raw record on a topic (for malformed input). */
  public void publishRaw(String topic, String key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
          .get();
    }
  }

  /** A superuser JDBC connection to this fixture's database (for assertions); close it. */
  public Connection admin() throws SQLException {
    return LocalPostgres.get().adminConnection(database);
  }

  /** A count query's result; 0 while the consumer has not created the table yet. */
  public long count(String sql) throws SQLException {
    try (Connection c = admin(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0;
      }
      throw e;
    }
  }
}
