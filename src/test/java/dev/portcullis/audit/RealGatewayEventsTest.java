package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.cli.Main;
import dev.portcullis.e2e.GatewayHarness;
import dev.portcullis.events.JournalReader;
import dev.portcullis.events.TopicRouting;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events a real gateway wrote for a real pgjdbc session (its journal lines, which are exactly what its Kafka sink
 * publishes) go through a real broker into the audit store, and {@code replay} tells the session back.
 */
class RealGatewayEventsTest {
  @TempDir Path dir;

  @Test
  void aRealSessionIsStoredAndReplayed() throws Exception {
    GatewayHarness gateway = GatewayHarness.get();
    String subject = "journal-bot-" + UUID.randomUUID();
    try (Connection c = gateway.connect(gateway.token(subject, "agents")); Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1 AS one").close();
      assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM secrets"));
    }
    String sessions = TopicRouting.defaults().topicFor("session.started");
    List<String> lines = new ArrayList<>();
    Await.until(Duration.ofSeconds(30), () -> {
      lines.clear();
      for (Path file : JournalReader.files(gateway.journalDir, sessions)) {
        for (String line : Files.readAllLines(file)) {
          if (line.contains("\"" + subject + "\"")) {
            lines.add(line);
          }
        }
      }
      return lines.stream().anyMatch(l -> l.contains("\"type\":\"session.ended\""));
    }, () -> "session.ended in the journal");
    String sessionId = dev.portcullis.events.EventJson.decode(lines.get(0)).session().sessionId();

    AuditFixture f = AuditFixture.create("real", 1);
    for (String line : lines) {
      f.publishRaw(f.prefix + "sessions", sessionId, line.getBytes(StandardCharsets.UTF_8));
    }
    Vertx vertx = Vertx.vertx();
    AuditStore store = AuditStore.open(vertx, f.store());
    AuditConsumer consumer = new AuditConsumer(f.kafka("g-real"), store);
    consumer.start();
    try {
      Await.until(Duration.ofSeconds(60), () -> f.count("SELECT count(*) FROM audit_events") == lines.size(),
          () -> lines.size() + " rows");
      assertEquals(1, f.count("SELECT count(*) FROM audit_events WHERE decision = 'deny' AND rule = 'no-secrets'"
          + " AND text = 'SELECT * FROM secrets' AND subject = '" + subject + "'"));
      Path config = f.writeConfig(dir, "g-real");
      String text = capture("replay", sessionId.substring(0, 12), "--config", config.toString());
      assertTrue(text.startsWith("session " + sessionId + ": " + subject + " [agents]"), text);
      assertTrue(text.contains("session.started") && text.contains("    SELECT 1 AS one")
          && text.contains("DENY by no-secrets/agents") && text.contains("SELECT 1 · 1 rows")
          && text.contains("session.ended"), text);
      assertEquals(String.join("\n", lines) + "\n", capture("replay", sessionId, "--config", config.toString(),
          "--source", "kafka", "--format", "json"), "the gateway's lines, unchanged");
    } finally {
      consumer.stop(Duration.ofSeconds(30));
      store.close().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static String capture(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(old);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
