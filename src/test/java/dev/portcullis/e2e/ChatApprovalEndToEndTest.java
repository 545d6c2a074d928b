package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.chat.ApproverBot;
import dev.portcullis.approval.chat.BotConfig;
import dev.portcullis.approval.chat.BotConfigLoader;
import dev.portcullis.audit.Await;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.identity.Identity;
import dev.portcullis.testing.ChatStandIn;
import dev.portcullis.testing.ChatStandIn.Call;
import dev.portcullis.testing.ChatStandIn.Sent;
import dev.portcullis.testing.ClientRun;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Issue 5's whole chain: agents on two gateway instances (sink kafka, one topic prefix) hold statements; the
 * approver-bot, built from a {@code bot.yaml} as {@code portcullis approver-bot} builds it, posts each request to a
 * chat API stand-in served here; people's button clicks reach the bot as real HTTP POSTs signed with Slack's v0
 * scheme (or forged), and what they decide runs where the statement waits, once. One broker, two gateways, one bot
 * and one stand-in are shared by all tests; each test has its own values, subjects and approval ids.
 *
 * <p>Policy {@code e2e/policies/approvals.yaml}: inserts into {@code public.scratch} by {@code held-agents} wait for
 * an {@code owners} approver; updates of {@code public.items} expire after 2 s.
 */
class ChatApprovalEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DATABASE = "chat_e2e";
  private static final String CHANNEL = "C0APPROVALS";
  private static final String BOT_TOKEN = "xoxb-chat-e2e-bot-token";
  private static final String SIGNING_SECRET = "chat-e2e-signing-secret-" + UUID.randomUUID();
  private static final String ALICE = "U0ALICE";       // alice, owners: may approve
  private static final String CAROL = "U0CAROL";       // carol, analysts: mapped, but in no approver group
  private static final String SELF = "U0SELF";         // mapped to the requester of the self-approval test
  private static final String STRANGER = "U0STRANGER"; // not mapped at all
  private static final String SELF_SUBJECT = "agent-self";

  private static KafkaGatewayFixture fixture;
  private static LocalKafka kafka;
  private static TargetConfig target;
  private static Vertx vertxA;
  private static Vertx vertxB;
  private static Gateway a;
  private static Gateway b;
  private static int portA;
  private static int portB;
  private static Vertx botVertx;
  private static ChatStandIn chat;
  private static ApproverBot bot;
  private static URI actions;

  @BeforeAll
  static void start() throws Exception {
    kafka = LocalKafka.get();
    fixture = new KafkaGatewayFixture();
    Files.copy(ChatApprovalEndToEndTest.class.getResourceAsStream("/e2e/policies/approvals.yaml"),
        fixture.policies.resolve("approvals.yaml"));
    createDatabase(fixture.postgres);
    target = new TargetConfig("orders", "postgres", fixture.postgres.host(), fixture.postgres.port(), DATABASE,
        LocalPostgres.APP_ROLE, fixture.postgres.password(LocalPostgres.APP_ROLE),
        TargetConfig.UpstreamTls.disabled(), false);
    // The approval topics as operators create them (the bot never auto-creates a topic).
    kafka.createTopics(3, fixture.routing.topicFor(EventType.APPROVAL_REQUESTED),
        fixture.routing.topicFor(EventType.APPROVAL_DECIDED));

    portA = GatewayHarness.freePort();
    portB = GatewayHarness.freePort();
    vertxA = Vertx.vertx();
    a = GatewayHarness.await(Gateway.start(vertxA, config("gw-a", portA, Files.createTempDirectory(fixture.work,
        "gw-a"))));
    vertxB = Vertx.vertx();
    b = GatewayHarness.await(Gateway.start(vertxB, config("gw-b", portB, Files.createTempDirectory(fixture.work,
        "gw-b"))));

    botVertx = Vertx.vertx();
    chat = ChatStandIn.start(botVertx);
    String group = "chat-e2e-bot-" + UUID.randomUUID();
    Path botYaml = fixture.work.resolve("bot.yaml");
    Files.writeString(botYaml, """
        kafka:
          bootstrapServers: "%s"
          topicPrefix: "%s"
          groupId: "%s"
        chat:
          apiUrl: "%s"
          botToken: ${CHAT_BOT_TOKEN}
          signingSecret: ${CHAT_SIGNING_SECRET}
          channel: %s
          listen: { host: 127.0.0.1, port: 0 }
          approvers:
            %s: { subject: alice, groups: [owners] }
            %s: { subject: carol, groups: [analysts] }
            %s: { subject: %s, groups: [owners] }
        """.formatted(kafka.bootstrapServers(), fixture.prefix, group, chat.apiUrl(), CHANNEL, ALICE, CAROL, SELF,
        SELF_SUBJECT));
    BotConfig botConfig = new BotConfigLoader(Map.of("CHAT_BOT_TOKEN", BOT_TOKEN,
        "CHAT_SIGNING_SECRET", SIGNING_SECRET)::get).load(botYaml);
    bot = new ApproverBot(botConfig);
    botVertx.deployVerticle(bot).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    actions = URI.create("http://127.0.0.1:" + bot.port() + BotConfig.DEFAULT_ACTIONS_PATH);
    awaitBotReading(group);
  }

  @AfterAll
  static void stop() throws Exception {
    if (botVertx != null) {
      GatewayHarness.await(botVertx.close()); // undeploys the bot, closes the stand-in
    }
    for (Object[] g : new Object[][] {{a, vertxA}, {b, vertxB}}) {
      if (g[0] != null) {
        GatewayHarness.await(((Gateway) g[0]).stop());
      }
      if (g[1] != null) {
        GatewayHarness.await(((Vertx) g[1]).close());
      }
    }
  }

  // --- 1. approve ------------------------------------------------------------------------------------------------

  @Test
  void anOwnersClickRunsTheHeldInsertOnceAndTheMessageShowsTheOutcome() throws Exception {
    String value = "chat-approved-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-approve", "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      ApprovalRequest r = awaitRequest(a, x -> x.parameters().contains(value));
      assertEquals(r.approvalId(), approvalId(posted), "the message's buttons carry the held request's id");
      assertEquals("Bearer " + BOT_TOKEN, posted.authorization());
      assertEquals(CHANNEL, posted.body().getString("channel"));
      String shown = posted.body().encode();
      for (String fact : List.of("```INSERT INTO scratch (v) VALUES ($1)```", "`$1` = `" + value + "`",
          "`agent-approve`", "gateway `gw-a`", "`scratch-writes-wait`", "owners", r.digest())) {
        assertTrue(shown.contains(fact), fact + " in " + shown);
      }
      assertFalse(insert.isDone(), "the agent waits");
      assertEquals(0, count(value), "nothing runs while held");

      Sent click = ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve");
      assertEquals(200, click.status(), click.answer());
      assertEquals(1, insert.get(30, TimeUnit.SECONDS));
      assertEquals(1, count(value), "the row exists exactly once");

      List<ApprovalDecision> decisions = decisions(r.approvalId());
      assertEquals(1, decisions.size(), decisions.toString());
      ApprovalDecision d = decisions.get(0);
      assertEquals(ApprovalDecision.Outcome.APPROVED, d.outcome());
      assertEquals(new ApprovalDecision.Approver("alice", List.of("owners"), "chat"), d.decidedBy());
      assertEquals(r.digest(), d.digest());

      Call update = awaitUpdate(posted, "Approved");
      assertFalse(ChatStandIn.hasButtons(update.body()), "buttons replaced by the outcome");
      assertTrue(update.body().encode().contains("by `alice` (owners) via chat"), update.body().encode());
      // the session goes on
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM scratch")) {
        assertTrue(rs.next());
      }
    }
  }

  // --- 2. deny ---------------------------------------------------------------------------------------------------

  @Test
  void anOwnersDenyReachesTheAgentAs42501NamingApproverAndReason() throws Exception {
    String value = "chat-denied-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-deny", "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      String id = approvalId(posted);
      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "deny").status());
      PSQLException e = sqlFailure(insert);
      assertEquals("42501", e.getSQLState());
      assertEquals("portcullis: approval " + id + " for rule 'scratch-writes-wait' of policy 'held-writes' was "
          + "denied by alice (via chat): denied in chat", e.getServerErrorMessage().getMessage());
      assertEquals(0, count(value), "nothing ran");
      assertTrue(awaitUpdate(posted, "Denied").body().encode().contains("by `alice`"));
    }
  }

  // --- 3. timeout ------------------------------------------------------------------------------------------------

  @Test
  void anUnansweredUpdateExpiresForTheAgentAndInTheChannel() throws Exception {
    String before = price(1);
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-slow", "held-agents"))) {
      String sql = "UPDATE items SET price = price + 1 WHERE id = 1 AND name != '" + UUID.randomUUID() + "'";
      CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> execute(c, sql));
      Call posted = awaitPost(sql);
      assertTrue(posted.body().encode().contains("`item-updates-expire`"), posted.body().encode());
      PSQLException e = sqlFailure(update);
      assertEquals("42501", e.getSQLState());
      assertTrue(e.getServerErrorMessage().getMessage().equals("portcullis: approval " + approvalId(posted)
              + " for rule 'item-updates-expire' of policy 'held-writes' expired: no decision within 2s; the "
              + "statement did not run"), e.getServerErrorMessage().getMessage());
      Call expired = awaitUpdate(posted, "Expired");
      assertFalse(ChatStandIn.hasButtons(expired.body()));
      assertEquals(before, price(1), "nothing ran");
      // a click after the expiry runs nothing either
      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve").status());
      assertEquals(List.of(ApprovalDecision.Outcome.EXPIRED), outcomes(approvalId(posted)));
      assertEquals(before, price(1));
    }
  }

  // --- 4. self-approval ------------------------------------------------------------------------------------------

  @Test
  void theRequesterCannotApproveItsOwnStatementInChat() throws Exception {
    String value = "chat-self-" + UUID.randomUUID();
    // the agent is in owners too: only being the requester stops it
    try (Connection c = KafkaGatewayFixture.connect(portA, token(SELF_SUBJECT, "held-agents", "owners"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      String id = approvalId(posted);
      Sent self = ChatStandIn.click(actions, SIGNING_SECRET, posted, SELF, "approve");
      assertEquals(200, self.status(), self.answer());
      chat.await("chat.postEphemeral", x -> SELF.equals(x.body().getString("user"))
          && x.body().getString("text").contains("'" + SELF_SUBJECT + "' requested this statement and cannot "
          + "approve it"), WAIT);
      assertEquals(List.of(), decisions(id), "nothing published");
      assertFalse(insert.isDone(), "the statement still waits");
      assertTrue(a.approvals().pending().stream().anyMatch(x -> x.approvalId().equals(id)), "still pending");
      assertEquals(0, count(value));
      assertTrue(chat.calls("chat.update").stream().noneMatch(x -> id.equals(approvalIdOfUpdate(x))),
          "the message still shows its buttons");

      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve").status());
      assertEquals(1, insert.get(30, TimeUnit.SECONDS));
      assertEquals(1, count(value));
      assertEquals(List.of(ApprovalDecision.Outcome.APPROVED), outcomes(id));
    }
  }

  // --- 5. unauthorized approvers ---------------------------------------------------------------------------------

  @Test
  void usersOutsideTheApproverGroupsAndUnmappedUsersAreRefused() throws Exception {
    String value = "chat-outsider-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portB, token("agent-outsider", "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      String id = approvalId(posted);
      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, CAROL, "approve").status());
      chat.await("chat.postEphemeral", x -> CAROL.equals(x.body().getString("user"))
          && x.body().getString("text").contains("'carol' is not in an approver group of rule "
          + "'scratch-writes-wait' (owners)"), WAIT);
      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, STRANGER, "approve").status());
      chat.await("chat.postEphemeral", x -> STRANGER.equals(x.body().getString("user"))
          && x.body().getString("text").contains("not a configured approver"), WAIT);
      assertEquals(List.of(), decisions(id), "nothing published");
      assertFalse(insert.isDone(), "the statement still waits");
      assertEquals(0, count(value));

      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "deny").status());
      assertEquals("42501", sqlFailure(insert).getSQLState());
      assertEquals(0, count(value));
    }
  }

  // --- 6. replay -------------------------------------------------------------------------------------------------

  @Test
  void aReplayedApproveCallbackPublishesNothingMoreAndRunsNothingTwice() throws Exception {
    String value = "chat-replay-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-replay", "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      String id = approvalId(posted);
      Sent approve = ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve");
      assertEquals(200, approve.status());
      Sent replayedAtOnce = ChatStandIn.send(actions, approve.body(), approve.timestamp(), approve.signature());
      assertEquals(1, insert.get(30, TimeUnit.SECONDS));
      awaitUpdate(posted, "Approved");
      Sent replayedLater = ChatStandIn.send(actions, approve.body(), approve.timestamp(), approve.signature());
      // the bot answers repeated callbacks 200 (so Slack does not retry them) and publishes nothing
      assertEquals(200, replayedAtOnce.status(), replayedAtOnce.answer());
      assertEquals(200, replayedLater.status(), replayedLater.answer());
      assertEquals(List.of(ApprovalDecision.Outcome.APPROVED), outcomes(id), "one approval.decided, no second one");
      assertEquals(1, count(value), "ran once");
      // the gateway holding it has nothing left to run
      assertTrue(a.approvals().pending().stream().noneMatch(x -> x.approvalId().equals(id)));
    }
  }

  // --- 7. forged signature ---------------------------------------------------------------------------------------

  @Test
  void forgedOrTamperedCallbacksAre401AndPublishNothing() throws Exception {
    String value = "chat-forged-" + UUID.randomUUID();
    try (Connection c = KafkaGatewayFixture.connect(portA, token("agent-forged", "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      Call posted = awaitPost(value);
      String id = approvalId(posted);
      String ts = Long.toString(Instant.now().getEpochSecond());
      String approveBody = ChatStandIn.clickBody(posted, ALICE, "approve");
      int ephemerals = chat.calls("chat.postEphemeral").size();
      Sent forged = ChatStandIn.send(actions, approveBody, ts, ChatStandIn.sign("not-the-secret", ts, approveBody));
      assertEquals(401, forged.status(), forged.answer());
      assertTrue(forged.answer().contains("signature does not match"), forged.answer());
      // a genuine signature of a stranger's click, on a body changed to be alice's click
      String strangerBody = ChatStandIn.clickBody(posted, STRANGER, "approve");
      Sent tampered = ChatStandIn.send(actions, approveBody, ts, ChatStandIn.sign(SIGNING_SECRET, ts, strangerBody));
      assertEquals(401, tampered.status(), tampered.answer());
      assertEquals(List.of(), decisions(id), "nothing published");
      assertFalse(insert.isDone(), "the statement still waits");
      assertEquals(0, count(value));
      assertEquals(ephemerals, chat.calls("chat.postEphemeral").size(), "a forged click gets no answer in chat");

      assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "deny").status());
      assertEquals("42501", sqlFailure(insert).getSQLState());
      assertEquals(0, count(value));
    }
  }

  // --- 8. psql on the other gateway ------------------------------------------------------------------------------

  @Test
  void psqlOnGatewayBPrintsItsReturningRowAfterAChatApproval() throws Exception {
    String value = "chat-psql-" + UUID.randomUUID();
    String token = token("agent-psql", "held-agents");
    CompletableFuture<ClientRun> run = CompletableFuture.supplyAsync(() -> psql(portB, token,
        "INSERT INTO scratch (v) VALUES ('" + value + "') RETURNING v"));
    Call posted = awaitPost(value);
    String id = approvalId(posted);
    assertTrue(posted.body().encode().contains("gateway `gw-b`"), posted.body().encode());
    ApprovalRequest r = awaitRequest(a, x -> x.approvalId().equals(id));
    assertEquals("gw-b", r.session().gatewayId(), "A lists what B holds");
    assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve").status());
    ClientRun out = run.get(30, TimeUnit.SECONDS);
    assertEquals(0, out.exit(), out.output());
    assertTrue(out.output().lines().anyMatch(value::equals), out.output());
    assertEquals(1, count(value));
    awaitUpdate(posted, "Approved");
    assertEquals(List.of(ApprovalDecision.Outcome.APPROVED), outcomes(id));
  }

  // --- 9. a gateway restarts while it holds a statement ----------------------------------------------------------

  @Test
  void aGatewayStoppingWhileHoldingTellsTheAgentWithdrawsTheMessageAndAStaleClickRunsNothing() throws Exception {
    String value = "chat-restart-" + UUID.randomUUID();
    int port = GatewayHarness.freePort();
    Path spool = Files.createTempDirectory(fixture.work, "gw-c");
    Vertx vertx = Vertx.vertx();
    Gateway c1 = GatewayHarness.await(Gateway.start(vertx, config("gw-c", port, spool)));
    Connection c = KafkaGatewayFixture.connect(port, token("agent-restart", "held-agents"));
    CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
    Call posted = awaitPost(value);
    String id = approvalId(posted);

    GatewayHarness.await(c1.stop());
    PSQLException e = sqlFailure(insert);
    assertEquals("57P01", e.getSQLState());
    assertTrue(e.getServerErrorMessage().getMessage().startsWith("portcullis: the gateway is stopping; the "
        + "statement waiting for approval " + id + " did not run"), e.getServerErrorMessage().getMessage());
    GatewayHarness.await(vertx.close());
    c.close();

    Call withdrawn = awaitUpdate(posted, "Withdrawn");
    assertFalse(ChatStandIn.hasButtons(withdrawn.body()));
    // a click on the stale message (its buttons are still on a client that did not refresh)
    assertEquals(200, ChatStandIn.click(actions, SIGNING_SECRET, posted, ALICE, "approve").status());
    assertEquals(List.of(ApprovalDecision.Outcome.WITHDRAWN), outcomes(id), "the click published nothing");

    Vertx again = Vertx.vertx();
    Gateway c2 = GatewayHarness.await(Gateway.start(again, config("gw-c", port, spool)));
    try {
      try (Connection probe = KafkaGatewayFixture.connect(port, token("agent-restart", "held-agents"));
          Statement s = probe.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        assertTrue(rs.next(), "the restarted gateway serves");
      }
      // The restarted instance reads both topics back (requests and decisions in no order between them): once it
      // has, it knows the request as decided, never as pending, and its admin API refuses a late approval.
      Identity owner = new Identity("alice", List.of("owners"), "test", Instant.now().plusSeconds(600));
      Await.until(WAIT, () -> {
        try {
          ApprovalDecision late = GatewayHarness.await(c2.approvals().decide(id, owner, true, "late"));
          throw new AssertionError("the restarted gateway accepted a decision of a withdrawn request: " + late);
        } catch (ExecutionException refused) {
          ApprovalRefusedException r = assertInstanceOf(ApprovalRefusedException.class, refused.getCause());
          assertTrue(r.kind() != ApprovalRefusedException.Kind.FORBIDDEN, r.getMessage());
          return r.kind() == ApprovalRefusedException.Kind.ALREADY_DECIDED; // NOT_FOUND: not read back yet
        }
      }, () -> "the restarted gateway read the request back");
      assertTrue(c2.approvals().pending().stream().noneMatch(x -> x.approvalId().equals(id)));
      assertEquals(List.of(ApprovalDecision.Outcome.WITHDRAWN), outcomes(id));
      assertEquals(0, count(value), "nothing ran, before or after the restart");
    } finally {
      GatewayHarness.await(c2.stop());
      GatewayHarness.await(again.close());
    }
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static GatewayConfig config(String id, int port, Path spool) {
    GatewayConfig c = fixture.config(port, kafka.bootstrapServers(), spool,
        EventsConfig.OnUnavailable.REFUSE_SESSIONS, Duration.ofMinutes(5));
    return new GatewayConfig(id, c.postgres(), c.oidc(), Map.of("orders", target), c.policiesDir(), c.events(),
        c.maskingKeyFile());
  }

  private static void createDatabase(LocalPostgres postgres) throws SQLException {
    try (Connection c = postgres.adminConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    try (Connection c = postgres.adminConnection(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
      s.execute("INSERT INTO items (name, price) VALUES ('apple', 1.50), ('pear', 2.25)");
      s.execute("CREATE TABLE scratch (id serial PRIMARY KEY, v text)");
      s.execute("GRANT USAGE ON SCHEMA public TO " + LocalPostgres.APP_ROLE);
      s.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + LocalPostgres.APP_ROLE);
      s.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + LocalPostgres.APP_ROLE);
    }
  }

  /** Until the bot's request reader owns every partition of the requests topic in its group. */
  private static void awaitBotReading(String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      Await.until(WAIT, () -> {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
            .get(group);
        return d != null && d.members().stream().map(MemberDescription::assignment)
            .mapToInt(x -> x.topicPartitions().size()).sum() == 3;
      }, () -> "the approver-bot joined group " + group);
    }
  }

  private static String token(String subject, String... groups) {
    return KafkaGatewayFixture.issuer().issueToken(KafkaGatewayFixture.ISSUER_ID, subject,
        KafkaGatewayFixture.AUDIENCE, Map.of("groups", List.of(groups))).serialize();
  }

  /** The bot's chat.postMessage of the request whose text or parameters hold {@code needle}. */
  private static Call awaitPost(String needle) throws InterruptedException {
    return chat.await("chat.postMessage", x -> x.answeredOk() && x.body().encode().contains(needle), WAIT);
  }

  /** The chat.update of {@code posted}'s message that shows {@code outcome} ("Approved", "Expired", ...). */
  private static Call awaitUpdate(Call posted, String outcome) throws InterruptedException {
    String ts = posted.answer().getString("ts");
    Call update = chat.await("chat.update", x -> ts.equals(x.body().getString("ts"))
        && x.body().encode().contains("*" + outcome + "*"), WAIT);
    assertEquals(posted.answer().getString("channel"), update.body().getString("channel"));
    assertEquals(1, chat.calls("chat.update").stream().filter(x -> ts.equals(x.body().getString("ts"))).count(),
        "the message was updated once");
    return update;
  }

  private static String approvalId(Call posted) {
    String approve = ChatStandIn.button(posted.body(), "approve").getString("value");
    assertEquals(approve, ChatStandIn.button(posted.body(), "deny").getString("value"));
    return approve;
  }

  private static String approvalIdOfUpdate(Call update) {
    for (Call p : chat.calls("chat.postMessage")) {
      if (p.answer() != null && p.answer().getString("ts", "").equals(update.body().getString("ts"))) {
        return approvalId(p);
      }
    }
    return null;
  }

  private static ApprovalRequest awaitRequest(Gateway on, Predicate<ApprovalRequest> which) throws Exception {
    ApprovalRequest[] found = new ApprovalRequest[1];
    Await.until(WAIT, () -> {
      found[0] = on.approvals().pending().stream().filter(which).findFirst().orElse(null);
      return found[0] != null;
    }, () -> "a pending request");
    return found[0];
  }

  /**
   * Every {@code approval.decided} of this approval on the decisions topic now (read to the end offsets taken at
   * the call, one per event id). A click is answered only after its decision is stored, so after a click's answer
   * this is exact.
   */
  private static List<ApprovalDecision> decisions(String approvalId) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, ApprovalDecision> byEventId = new LinkedHashMap<>();
    String topic = fixture.routing.topicFor(EventType.APPROVAL_DECIDED);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to " + ends);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          SessionEvent e = EventJson.decode(new String(r.value(), StandardCharsets.UTF_8));
          ApprovalDecision d = ApprovalEvents.decision(e);
          if (d.approvalId().equals(approvalId)) {
            byEventId.putIfAbsent(e.id(), d);
          }
        }
      }
    }
    return new ArrayList<>(byEventId.values());
  }

  private static List<ApprovalDecision.Outcome> outcomes(String approvalId) {
    return decisions(approvalId).stream().map(ApprovalDecision::outcome).toList();
  }

  private static int execute(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  /** The agent's statement failed: its PostgreSQL error. */
  private static PSQLException sqlFailure(CompletableFuture<?> statement) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> statement.get(30, TimeUnit.SECONDS));
    PSQLException sql = assertInstanceOf(PSQLException.class, e.getCause(), String.valueOf(e.getCause()));
    assertNotNull(sql.getServerErrorMessage(), sql.toString());
    return sql;
  }

  private static long count(String value) throws SQLException {
    try (Connection d = fixture.postgres.adminConnection(DATABASE);
        PreparedStatement ps = d.prepareStatement("SELECT count(*) FROM scratch WHERE v = ?")) {
      ps.setString(1, value);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String price(int id) throws SQLException {
    try (Connection d = fixture.postgres.adminConnection(DATABASE);
        PreparedStatement ps = d.prepareStatement("SELECT price FROM items WHERE id = ?")) {
      ps.setInt(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBigDecimal(1).toPlainString();
      }
    }
  }

  private static ClientRun psql(int port, String token, String sql) {
    try {
      return ClientRun.of(token, "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
          "host=127.0.0.1 port=" + port + " dbname=orders user=agent sslmode=require");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
