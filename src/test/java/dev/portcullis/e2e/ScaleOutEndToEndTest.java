package dev.portcullis.e2e;

import static dev.portcullis.e2e.GatewayHarness.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.audit.AuditFixture;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.PortcullisProcess;
import dev.portcullis.testing.TopicRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's scale-out: two gateway processes publish to the same topics, two {@code audit-sink} processes in one
 * consumer group share the partitions, and every event produced lands in the audit store exactly once, each
 * session complete and in order — whichever gateway served it and whichever consumer stored it.
 */
class ScaleOutEndToEndTest {
  private static final String PASSWORD_ENV = "PORTCULLIS_TEST_BACKEND_PASSWORD";
  private static final int SESSIONS_PER_GATEWAY = 4;
  private static final int STATEMENTS = 15;
  private static final String GROUP = "scale-out-audit";

  @Test
  void twoGatewaysAndTwoAuditConsumersStoreEveryEventOnce() throws Exception {
    LocalKafka kafka = LocalKafka.get();
    AuditFixture audit = AuditFixture.create("scaleout", 4, kafka);
    KafkaGatewayFixture gateways = new KafkaGatewayFixture(audit.prefix);
    Path auditConfig = audit.writeConfig(Files.createDirectories(gateways.work.resolve("audit")), GROUP);
    int[] ports = {freePort(), freePort()};
    List<PortcullisProcess> processes = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Path config = gateways.work.resolve("gateway-" + i + ".yaml");
        Files.writeString(config, gateways.yaml(ports[i], kafka.bootstrapServers(), PASSWORD_ENV)
            .replace("gatewayId: kafka-e2e-child", "gatewayId: gw-" + i)
            .replace("dir: spool", "dir: spool-" + i));
        processes.add(PortcullisProcess.start("gateway-" + i, Map.of(PASSWORD_ENV, gateways.backendPassword()),
            "serve", "--config", config.toString()));
        processes.add(PortcullisProcess.start("audit-sink-" + i, Map.of(), "audit-sink", "--config",
            auditConfig.toString()));
      }
      for (PortcullisProcess p : processes) {
        p.awaitOutput(p.name().startsWith("gateway") ? "Portcullis listening on" : "audit-sink consuming");
      }
      awaitGroupOfTwo();

      List<String> subjects = runSessions(gateways, ports);

      Await.until(Duration.ofSeconds(90), () -> audit.count("SELECT count(*) FROM audit_events"
          + " WHERE type = 'session.ended'") == subjects.size(), () -> processes.get(1).output());
      assertEquals(audit.count("SELECT count(DISTINCT id) FROM audit_events"),
          audit.count("SELECT count(*) FROM audit_events"));
      assertEquals(2, audit.count("SELECT count(DISTINCT gateway_id) FROM audit_events"), "both gateways served");

      // Every event id on the topic is in the store, and nothing else is. (A session's events share a partition
      // and are stored in offset order, so a stored session.ended means the whole session is stored.)
      Map<String, Integer> oneEach = new java.util.HashMap<>();
      subjects.forEach(subject -> oneEach.put(subject, 1));
      Set<String> onTopic = new HashSet<>();
      for (TopicRecords.Rec r : gateways.readUntilEnded(kafka.bootstrapServers(), oneEach)) {
        onTopic.add(EventJson.decode(r.value()).id());
      }
      assertEquals(onTopic, storedIds(audit));

      // Each session complete and in the order its gateway produced it.
      for (String subject : subjects) {
        List<SessionEvent> events = storedSession(audit, subject);
        assertEquals(STATEMENTS, KafkaGatewayFixture.assertSessionInOrder(events), subject);
      }
    } finally {
      for (PortcullisProcess p : processes) {
        p.close();
      }
    }
    // Together the two consumers read every record at least once (re-deliveries after a rebalance are the
    // duplicates the store absorbed).
    long consumed = 0;
    for (PortcullisProcess p : processes) {
      Matcher m = Pattern.compile("audit consumer stopped: consumed=(\\d+)").matcher(p.output());
      if (m.find()) {
        consumed += Long.parseLong(m.group(1));
      }
    }
    assertTrue(consumed >= audit.count("SELECT count(*) FROM audit_events"), "consumed " + consumed);
    for (PortcullisProcess p : processes) {
      assertTrue(!p.output().contains(gateways.backendPassword()), "no backend password in " + p);
    }
  }

  /** Both consumers joined the group and each holds partitions of the sessions topic. */
  private static void awaitGroupOfTwo() throws Exception {
    try (Admin admin = LocalKafka.get().admin()) {
      Await.until(Duration.ofSeconds(60), () -> {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all()
            .get(10, TimeUnit.SECONDS).get(GROUP);
        return group.members().size() == 2 && group.members().stream()
            .map(MemberDescription::assignment).allMatch(a -> !a.topicPartitions().isEmpty());
      }, () -> "consumer group " + GROUP + " never had two members with partitions");
    }
  }

  /** Sessions on both gateways at once, each with its own subject; returns the subjects. */
  private static List<String> runSessions(KafkaGatewayFixture gateways, int[] ports) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<String> subjects = new ArrayList<>();
      List<Future<?>> runs = new ArrayList<>();
      for (int g = 0; g < 2; g++) {
        for (int s = 0; s < SESSIONS_PER_GATEWAY; s++) {
          String subject = "scale-" + g + "-" + s;
          int port = ports[g];
          subjects.add(subject);
          runs.add(pool.submit(() -> {
            try (Connection c = KafkaGatewayFixture.connect(port, gateways.token(subject));
                Statement st = c.createStatement()) {
              for (int n = 1; n <= STATEMENTS; n++) {
                try (ResultSet rs = st.executeQuery("SELECT " + n + " AS n")) {
                  assertTrue(rs.next());
                  assertEquals(n, rs.getInt(1));
                }
              }
            }
            return null;
          }));
        }
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
      return subjects;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Set<String> storedIds(AuditFixture audit) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = audit.admin(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM audit_events")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** One subject's session from the store, in topic order (a session's events share one partition). */
  private static List<SessionEvent> storedSession(AuditFixture audit, String subject) throws Exception {
    List<SessionEvent> events = new ArrayList<>();
    try (Connection c = audit.admin(); PreparedStatement s = c.prepareStatement(
        "SELECT published FROM audit_events WHERE subject = ? ORDER BY kafka_partition, kafka_offset")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          events.add(EventJson.decode(rs.getString(1)));
        }
      }
    }
    return events;
  }
}
