package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.audit.Await;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.identity.Identity;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.TopicRecords;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Approvals across gateway instances over a real Kafka broker: a statement held by gateway A is listed and decided
 * on gateway B, and runs on A exactly once; a gateway that stops while holding tells its agent, and a late approval
 * of what it held runs nothing anywhere.
 */
class KafkaApprovalEndToEndTest {
  private static final Identity OWNER = new Identity("owner-k", List.of("owners"), "test", Instant.now().plusSeconds(3600));
  private static KafkaGatewayFixture fixture;
  private static LocalKafka kafka;
  private static Vertx vertxA;
  private static Vertx vertxB;
  private static Gateway a;
  private static Gateway b;
  private static int portA;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.get();
    fixture = new KafkaGatewayFixture();
    Files.copy(KafkaApprovalEndToEndTest.class.getResourceAsStream("/e2e/policies/approvals.yaml"),
        fixture.policies.resolve("approvals.yaml"));
    try (Connection c = fixture.postgres.adminConnection(dev.portcullis.testing.LocalPostgres.DATABASE);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS scratch (id serial PRIMARY KEY, v text)");
      s.execute("GRANT ALL ON scratch TO " + dev.portcullis.testing.LocalPostgres.APP_ROLE);
      s.execute("GRANT ALL ON SEQUENCE scratch_id_seq TO " + dev.portcullis.testing.LocalPostgres.APP_ROLE);
    }
    portA = GatewayHarness.freePort();
    vertxA = Vertx.vertx();
    a = GatewayHarness.await(Gateway.start(vertxA, config("gw-a", portA)));
    vertxB = Vertx.vertx();
    b = GatewayHarness.await(Gateway.start(vertxB, config("gw-b", GatewayHarness.freePort())));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Object[] g : new Object[][] {{a, vertxA}, {b, vertxB}}) {
      if (g[0] != null) {
        GatewayHarness.await(((Gateway) g[0]).stop());
      }
      GatewayHarness.await(((Vertx) g[1]).close());
    }
  }

  private static GatewayConfig config(String id, int port) throws Exception {
    return config(id, port, Files.createTempDirectory(fixture.work, id));
  }

  private static GatewayConfig config(String id, int port, java.nio.file.Path spool) {
    GatewayConfig c = fixture.config(port, kafka.bootstrapServers(), spool,
        EventsConfig.OnUnavailable.REFUSE_SESSIONS, Duration.ofMinutes(5));
    return new GatewayConfig(id, c.postgres(), c.oidc(), c.targets(), c.policiesDir(), c.events(), c.maskingKeyFile());
  }

  @Test
  void heldOnOneGatewayDecidedOnTheOtherRunsOnceWhereItWaits() throws Exception {
    String value = "kafka-held-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-k"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      ApprovalRequest r = awaitRequest(b, x -> x.parameters().contains(value));
      assertEquals("gw-a", r.session().gatewayId());
      assertEquals(0, count(value));
      ApprovalDecision d = GatewayHarness.await(b.approvals().decide(r.approvalId(), OWNER, true, "ok"));
      assertEquals(ApprovalDecision.Outcome.APPROVED, d.outcome());
      assertEquals(1, insert.get(30, TimeUnit.SECONDS));
      assertEquals(1, count(value));
      Await.until(Duration.ofSeconds(20), () -> a.approvals().pending().stream()
          .noneMatch(x -> x.approvalId().equals(r.approvalId())), () -> "A saw its decision");
      ApprovalRefusedException again = assertThrows(ApprovalRefusedException.class,
          () -> GatewayHarness.outcome(a.approvals().decide(r.approvalId(), OWNER, true, null)));
      assertEquals(ApprovalRefusedException.Kind.ALREADY_DECIDED, again.kind());
    }
  }

  @Test
  void deniedOnTheOtherGatewayReachesTheAgentWithApproverAndReason() throws Exception {
    String value = "kafka-denied-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-k2"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      ApprovalRequest r = awaitRequest(b, x -> x.parameters().contains(value));
      GatewayHarness.await(b.approvals().decide(r.approvalId(), OWNER, false, "use the staging table"));
      ExecutionException e = assertThrows(ExecutionException.class, () -> insert.get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("was denied by owner-k (via api): use the staging table"),
          e.getCause().getMessage());
      assertEquals(0, count(value));
    }
  }

  @Test
  void gatewayStoppingWhileHoldingTellsTheAgentAndALateApprovalRunsNothing() throws Exception {
    String value = "kafka-restart-" + UUID.randomUUID();
    int port = GatewayHarness.freePort();
    java.nio.file.Path spool = Files.createTempDirectory(fixture.work, "gw-c");
    Vertx vertx = Vertx.vertx();
    Gateway c1 = GatewayHarness.await(Gateway.start(vertx, config("gw-c", port, spool)));
    Connection c = KafkaGatewayFixture.connect(port, token("agent-k3"));
    CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
    ApprovalRequest r = awaitRequest(b, x -> x.parameters().contains(value));

    GatewayHarness.await(c1.stop());
    ExecutionException e = assertThrows(ExecutionException.class, () -> insert.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("portcullis: the gateway is stopping; the statement waiting for "
        + "approval " + r.approvalId() + " did not run"), e.getCause().getMessage());
    GatewayHarness.await(vertx.close());

    // The same instance restarts (its spool forwards what it published while stopping); every instance learns the
    // request was withdrawn, and a late click from a chat-bot is recorded and ignored.
    Vertx again = Vertx.vertx();
    Gateway c2 = GatewayHarness.await(Gateway.start(again, config("gw-c", port, spool)));
    try {
      Await.until(Duration.ofSeconds(30), () -> b.approvals().pending().stream()
          .noneMatch(x -> x.approvalId().equals(r.approvalId())), () -> "withdrawal seen by B; topic: "
          + TopicRecords.readUntil(kafka.bootstrapServers(), List.of(fixture.routing.topicFor(EventType.APPROVAL_DECIDED),
          fixture.routing.topicFor(EventType.APPROVAL_REQUESTED)), read -> false, Duration.ofSeconds(3)).stream()
          .filter(x -> x.value().contains(r.approvalId())).map(x -> x.topic() + " " + x.value()).toList());
      publishDecision(r, new ApprovalDecision(r.approvalId(), r.digest(), ApprovalDecision.Outcome.APPROVED,
          new ApprovalDecision.Approver("owner-k", List.of("owners"), "chat"), "late", Instant.now()));
      List<TopicRecords.Rec> decisions = TopicRecords.readUntil(kafka.bootstrapServers(),
          List.of(fixture.routing.topicFor(EventType.APPROVAL_DECIDED)),
          read -> read.stream().filter(x -> x.value().contains(r.approvalId())).count() >= 2, Duration.ofSeconds(30));
      List<String> outcomes = decisions.stream().filter(x -> x.value().contains(r.approvalId()))
          .map(x -> ApprovalEvents.decision(EventJson.decode(x.value())).outcome().jsonName()).toList();
      assertEquals(List.of("withdrawn", "approved"), outcomes);
      try (Connection probe = KafkaGatewayFixture.connect(port, token("agent-k3"));
          Statement s = probe.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        assertTrue(rs.next(), "the restarted gateway serves");
      }
      assertEquals(0, count(value), "nothing ran, before or after the restart");
    } finally {
      GatewayHarness.await(c2.stop());
      GatewayHarness.await(again.close());
    }
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static String token(String subject) {
    return KafkaGatewayFixture.issuer().issueToken(KafkaGatewayFixture.ISSUER_ID, subject,
        KafkaGatewayFixture.AUDIENCE, Map.of("groups", List.of("held-agents"))).serialize();
  }

  private static long count(String value) throws SQLException {
    try (Connection d = fixture.postgres.adminConnection(dev.portcullis.testing.LocalPostgres.DATABASE);
        PreparedStatement ps = d.prepareStatement("SELECT count(*) FROM scratch WHERE v = ?")) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static ApprovalRequest awaitRequest(Gateway on, Predicate<ApprovalRequest> which) throws Exception {
    ApprovalRequest[] found = new ApprovalRequest[1];
    Await.until(Duration.ofSeconds(30), () -> {
      found[0] = on.approvals().pending().stream().filter(which).findFirst().orElse(null);
      return found[0] != null;
    }, () -> "a pending request on the other gateway");
    return found[0];
  }

  private static void publishDecision(ApprovalRequest r, ApprovalDecision d) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(fixture.routing.topicFor(EventType.APPROVAL_DECIDED),
          r.session().sessionId().getBytes(StandardCharsets.UTF_8),
          EventJson.encode(ApprovalEvents.decided(r.session(), d)).getBytes(StandardCharsets.UTF_8))).get();
    }
  }
}
