package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.cli.Main;
import dev.portcullis.e2e.GatewayHarness;
import dev.portcullis.identity.Identity;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /**
   * A real gateway holds a pgjdbc INSERT (extended protocol, one Bind value) until an approver allows it through the
   * gateway's approval service, then refuses a simple-protocol INSERT the approver denies. Every line it wrote for
   * the session, on all three topics, matches its schema; through a real broker the audit store puts the approval
   * events in the session's timeline, and replay tells them as sentences, from the store and from Kafka alike.
   */
  @Test
  void aHeldStatementsApprovalAndDenialJoinTheSessionsTimeline() throws Exception {
    GatewayHarness gateway = GatewayHarness.get();
    String agent = "held-bot-" + UUID.randomUUID();
    String value = "approved-" + UUID.randomUUID();
    Identity owner = new Identity("owner-1", List.of("owners"), "test", Instant.now().plusSeconds(600));
    ApprovalRequest approved;
    ApprovalRequest denied;
    try (Connection c = gateway.connect(gateway.token(agent, "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> dev.portcullis.e2e.GatewayHarness.insertScratch(c, value));
      approved = pending(gateway, agent);
      await(gateway.gateway.approvals().decide(approved.approvalId(), owner, true, "looks fine"));
      assertEquals(1, insert.get(30, TimeUnit.SECONDS));

      CompletableFuture<String> refused = CompletableFuture.supplyAsync(() -> {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("INSERT INTO scratch (v) VALUES ('denied')");
          return "ran";
        } catch (SQLException e) {
          return e.getMessage();
        }
      });
      denied = pending(gateway, agent);
      await(gateway.gateway.approvals().decide(denied.approvalId(), owner, false, "not now"));
      assertTrue(refused.get(30, TimeUnit.SECONDS).contains("denied by owner-1 (via api): not now"));
    }
    String sessionId = approved.session().sessionId();
    TopicRouting routing = TopicRouting.defaults();
    List<String> types = List.of("session.started", "approval.requested", "approval.decided");
    List<String> lines = new ArrayList<>();
    Await.until(Duration.ofSeconds(30), () -> {
      lines.clear();
      for (String type : types) {
        for (Path file : JournalReader.files(gateway.journalDir, routing.topicFor(type))) {
          for (String line : Files.readAllLines(file)) {
            if (line.contains("\"sessionId\":\"" + sessionId + "\"")) {
              lines.add(line);
            }
          }
        }
      }
      return lines.stream().anyMatch(l -> l.contains("\"type\":\"session.ended\""))
          && lines.stream().filter(l -> l.contains("\"type\":\"approval.decided\"")).count() == 2;
    }, () -> "session.ended and both decisions in the journal: " + lines);
    for (String line : lines) {
      EventSchemas.assertValid(line);
    }
    assertEquals(2, lines.stream().filter(l -> l.contains("\"type\":\"approval.requested\"")).count());

    AuditFixture f = AuditFixture.create("approvals", 2);
    for (String line : lines) {
      String type = EventJson.decode(line).type();
      f.publishRaw(f.routing.topicFor(type), sessionId, line.getBytes(StandardCharsets.UTF_8));
    }
    Vertx vertx = Vertx.vertx();
    AuditStore store = AuditStore.open(vertx, f.store());
    AuditConsumer consumer = new AuditConsumer(f.kafka("g-approvals"), store);
    consumer.start();
    try {
      Await.until(Duration.ofSeconds(60), () -> f.count("SELECT count(*) FROM audit_events") == lines.size(),
          () -> lines.size() + " rows");
      assertEquals(2, f.count("SELECT count(*) FROM audit_events WHERE session_id = '" + sessionId + "' AND kafka_topic"
          + " = '" + f.prefix + "approvals.decisions' AND subject = '" + agent + "'"),
          "decisions are in the requesting session's timeline, under the requester's identity");
      assertEquals(1, f.count("SELECT count(*) FROM audit_events WHERE type = 'approval.decided'"
          + " AND decision = 'denied' AND event->'decidedBy'->>'subject' = 'owner-1'"));
      assertEquals(1, f.count("SELECT count(*) FROM audit_events WHERE type = 'approval.requested'"
          + " AND rule = 'scratch-writes-wait' AND text = 'INSERT INTO scratch (v) VALUES ($1)'"
          + " AND event->'parameters'->>0 = '" + value + "'"));

      Path config = f.writeConfig(dir, "g-approvals");
      String text = capture("replay", sessionId, "--config", config.toString());
      int n = Integer.parseInt(approved.statementId().substring(approved.statementId().lastIndexOf('/') + 1));
      int m = Integer.parseInt(denied.statementId().substring(denied.statementId().lastIndexOf('/') + 1));
      assertInOrder(text,
          "statement " + n, "REVIEW by scratch-writes-wait/held-writes", "    INSERT INTO scratch (v) VALUES ($1)\n",
          "approval.requested " + n, "approval requested " + approved.approvalId()
              + " by rule scratch-writes-wait/held-writes for owners (hold, expires ",
          ")\n    with $1 = '" + value + "'\n",
          "approval.decided " + n, "approval approved by owner-1 via api: looks fine\n",
          "completed " + n, "INSERT 0 1 · 1 rows",
          "statement " + m, "    INSERT INTO scratch (v) VALUES ('denied')\n",
          "approval.requested " + m, "approval requested " + denied.approvalId(),
          "approval.decided " + m, "approval denied by owner-1 via api: not now\n",
          "session.ended");
      assertEquals(text, capture("replay", sessionId, "--config", config.toString(), "--source", "kafka"),
          "the same story from Kafka");
    } finally {
      consumer.stop(Duration.ofSeconds(30));
      store.close().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static ApprovalRequest pending(GatewayHarness gateway, String requester) throws Exception {
    ApprovalRequest[] found = new ApprovalRequest[1];
    Await.until(Duration.ofSeconds(30), () -> {
      found[0] = gateway.gateway.approvals().pending().stream().filter(r -> r.requester().equals(requester))
          .findFirst().orElse(null);
      return found[0] != null;
    }, () -> "a pending request of " + requester);
    return found[0];
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void assertInOrder(String text, String... parts) {
    int at = 0;
    for (String part : parts) {
      int found = text.indexOf(part, at);
      assertTrue(found >= 0, "missing (in order) '" + part + "' after position " + at + " in:\n" + text);
      at = found + part.length();
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
