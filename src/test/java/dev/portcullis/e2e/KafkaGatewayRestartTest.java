package dev.portcullis.e2e;

import static dev.portcullis.e2e.GatewayHarness.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.PortcullisProcess;
import dev.portcullis.testing.TopicRecords.Rec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway as {@code serve --config} runs it, in its own process, killed (SIGKILL) while Kafka is down: the
 * events it spooled are delivered by the next process started on the same spool once Kafka is back.
 */
class KafkaGatewayRestartTest {
  private static final String PASSWORD_ENV = "PORTCULLIS_TEST_BACKEND_PASSWORD";

  @Test
  void eventsSpooledBeforeAKillArriveAfterTheRestart() throws Exception {
    try (LocalKafka kafka = LocalKafka.create()) {
      KafkaGatewayFixture fixture = new KafkaGatewayFixture();
      kafka.createTopics(3, fixture.routing.topics().toArray(String[]::new));
      kafka.stop();
      int port = freePort();
      Path config = fixture.work.resolve("gateway.yaml");
      Files.writeString(config, fixture.yaml(port, kafka.bootstrapServers(), PASSWORD_ENV));
      String token = fixture.token("restart-agent");

      PortcullisProcess first = serve(fixture, config, "first");
      try {
        try (Connection c = KafkaGatewayFixture.connect(port, token); Statement s = c.createStatement()) {
          for (int n = 1; n <= 30; n++) {
            try (ResultSet rs = s.executeQuery("SELECT " + n + " AS n")) {
              assertTrue(rs.next());
              assertEquals(n, rs.getInt(1));
            }
          }
        }
        awaitSpooled(fixture.work.resolve("spool"), "\"type\":\"session.ended\"");
      } finally {
        first.kill(); // SIGKILL: no shutdown hook, no flush
      }

      kafka.start();
      try (PortcullisProcess second = serve(fixture, config, "second")) {
        assertTrue(second.output().contains("from an earlier run wait for delivery"),
            "the second process found the first one's events in the spool:\n" + second.output());
        List<Rec> records = fixture.readUntilEnded(kafka.bootstrapServers(), Map.of("restart-agent", 1));
        Map<String, List<SessionEvent>> sessions = KafkaGatewayFixture.dedupedBySession(records);
        assertEquals(Map.of("restart-agent", 1), KafkaGatewayFixture.endedBySubject(sessions));
        assertEquals(30, KafkaGatewayFixture.assertSessionInOrder(sessions.values().iterator().next()));
        for (Rec r : records) {
          assertFalse(r.value().contains(token), "no token in any record");
          assertFalse(r.value().contains(fixture.backendPassword()), "no password in any record");
        }
      }
    }
  }

  /** {@code serve --config} in its own process, returned once it listens. */
  private static PortcullisProcess serve(KafkaGatewayFixture fixture, Path config, String name) throws Exception {
    return PortcullisProcess.start(name, Map.of(PASSWORD_ENV, fixture.backendPassword()), "serve", "--config",
        config.toString()).awaitOutput("Portcullis listening on");
  }

  /** Polls the spool segments (written by another process) until they hold {@code text}. */
  private static void awaitSpooled(Path spool, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(spool)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".seg")).toList()) {
          if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text)) {
            return;
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new AssertionError("the spool " + spool + " never held " + text);
  }
}
