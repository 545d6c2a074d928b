package dev.portcullis.e2e;

import static dev.portcullis.e2e.GatewayHarness.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.cli.Main;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.TopicRecords.Rec;
import java.io.IOException;
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

      Process first = serve(fixture, config, "first.log");
      try {
        awaitReady(first, fixture.work.resolve("first.log"));
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
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
      }

      kafka.start();
      Process second = serve(fixture, config, "second.log");
      try {
        awaitReady(second, fixture.work.resolve("second.log"));
        assertTrue(Files.readString(fixture.work.resolve("second.log")).contains("from an earlier run wait for delivery"),
            "the second process found the first one's events in the spool");
        List<Rec> records = fixture.readUntilEnded(kafka.bootstrapServers(), Map.of("restart-agent", 1));
        Map<String, List<SessionEvent>> sessions = KafkaGatewayFixture.dedupedBySession(records);
        assertEquals(Map.of("restart-agent", 1), KafkaGatewayFixture.endedBySubject(sessions));
        assertEquals(30, KafkaGatewayFixture.assertSessionInOrder(sessions.values().iterator().next()));
        for (Rec r : records) {
          assertFalse(r.value().contains(token), "no token in any record");
          assertFalse(r.value().contains(fixture.backendPassword()), "no password in any record");
        }
      } finally {
        second.destroy();
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second gateway did not stop");
      }
    }
  }

  private static Process serve(KafkaGatewayFixture fixture, Path config, String log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(fixture.work.resolve(log).toFile());
    pb.environment().put(PASSWORD_ENV, fixture.backendPassword());
    return pb.start();
  }

  /** Polls the child's log (a file: nothing to await across processes) for the line serve prints when listening. */
  private static void awaitReady(Process gateway, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && gateway.isAlive()) {
      if (Files.exists(log) && Files.readString(log).contains("Portcullis listening on")) {
        return;
      }
      gateway.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("gateway did not start:\n" + (Files.exists(log) ? Files.readString(log) : ""));
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
