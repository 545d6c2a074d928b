package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.config.Secret;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.events.TopicRouting;
import dev.portcullis.identity.Identity;
import dev.portcullis.testing.ChatStandIn;
import dev.portcullis.testing.LocalKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bot against a real broker (in-process KRaft), a chat API stand-in served by the test, and button clicks played
 * as real HTTP POSTs signed with Slack's v0 scheme — correctly, forged, or too old.
 */
class ApproverBotTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "xoxb-test-bot-token";
  private static final String SIGNING = "test-signing-secret";
  private static final String ALICE = "U0ALICE";      // alice, db-owners: may approve
  private static final String AGENT = "U0AGENT";      // mapped to the requester's own subject
  private static final String CAROL = "U0CAROL";      // carol, analysts only
  private static final String STRANGER = "U0STRANGE"; // not mapped at all

  private static Vertx vertx;
  private static KafkaProducer<byte[], byte[]> producer;
  private static final HttpClient http = HttpClient.newHttpClient();

  private ChatStandIn chat;
  private ApproverBot bot;
  private String deploymentId;
  private TopicRouting routing;
  private String group;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.get().bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stop() {
    producer.close();
    vertx.close();
  }

  @BeforeEach
  void topicsAndStandIn() throws Exception {
    routing = new TopicRouting("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
    group = "bot-" + UUID.randomUUID();
    LocalKafka.get().createTopics(3, requestsTopic(), decisionsTopic());
    chat = ChatStandIn.start(vertx);
  }

  @AfterEach
  void stopBot() throws Exception {
    if (deploymentId != null) {
      vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    chat.close();
  }

  private String requestsTopic() {
    return routing.topicFor(EventType.APPROVAL_REQUESTED);
  }

  private String decisionsTopic() {
    return routing.topicFor(EventType.APPROVAL_DECIDED);
  }

  private void startBot() throws Exception {
    BotConfig config = new BotConfig(
        new BotConfig.Kafka(LocalKafka.get().bootstrapServers(), routing.prefix(), group, Map.of()),
        new BotConfig.Chat(chat.apiUrl(), new Secret(TOKEN), new Secret(SIGNING), "C0123", "127.0.0.1", 0,
            BotConfig.DEFAULT_ACTIONS_PATH, Map.of(
                ALICE, new ChatApprover("alice", List.of("db-owners")),
                AGENT, new ChatApprover("ci-bot", List.of("db-owners")),
                CAROL, new ChatApprover("carol", List.of("analysts")))));
    bot = new ApproverBot(config, Clock.systemUTC(), Duration.ofMillis(100));
    deploymentId = vertx.deployVerticle(bot).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static ApprovalRequest request(String sessionId) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    SessionInfo session = new SessionInfo(sessionId, "gw-1",
        new Identity("ci-bot", List.of("ai-agents"), "https://issuer.example", now.plusSeconds(3600)),
        "orders", "postgres");
    return new ApprovalRequest(UUID.randomUUID().toString(), session, sessionId + "/3",
        "DELETE FROM orders WHERE id = $1 AND note <> '<b>&'", "DELETE FROM orders WHERE id = $1 AND note <> $2",
        List.of("42"), "sha256:" + "ab".repeat(32), List.of("delete"), List.of("public.orders"), "agents-write",
        "writes-need-review", "delete on public.orders needs approval by db-owners", List.of("db-owners"), now,
        now.plus(Duration.ofMinutes(5)), ApprovalRequest.Mode.HOLD, 0);
  }

  private void publish(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
        .get(30, TimeUnit.SECONDS);
  }

  private void publishRequest(ApprovalRequest r) throws Exception {
    publish(requestsTopic(), r.session().sessionId(),
        EventJson.encode(ApprovalEvents.requested(r)).getBytes(StandardCharsets.UTF_8));
  }

  private ChatStandIn.Call awaitPosted(ApprovalRequest r) throws Exception {
    return chat.await("chat.postMessage", c -> c.answeredOk() && c.body().encode().contains(r.approvalId()), WAIT);
  }

  /** A click as Slack sends it: form body {@code payload=<JSON>}, signed at {@code timestamp}. */
  private HttpResponse<String> click(String user, String action, ApprovalRequest r, long timestamp,
      String signature) throws Exception {
    String body = InteractionTest.form(InteractionTest.payload(user, action, r.approvalId()));
    return post(body, timestamp, signature, "application/x-www-form-urlencoded");
  }

  private HttpResponse<String> click(String user, String action, ApprovalRequest r) throws Exception {
    return click(user, action, r, Instant.now().getEpochSecond(), null);
  }

  private HttpResponse<String> post(String body, long timestamp, String signature, String contentType)
      throws Exception {
    String ts = Long.toString(timestamp);
    String sig = signature != null ? signature
        : new SlackSignature(SIGNING, Clock.systemUTC()).sign(ts, body.getBytes(StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bot.port() + "/slack/actions"))
        .header("Content-Type", contentType)
        .header("X-Slack-Request-Timestamp", ts)
        .header("X-Slack-Signature", sig)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** Reads the decisions topic from the beginning until {@code n} records are there. */
  private List<ConsumerRecord<byte[], byte[]>> awaitDecisions(int n) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalKafka.get().bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(decisionsTopic()).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    assertEquals(n, out.size(), "decisions on " + decisionsTopic());
    return out;
  }

  /** How many records the topic holds: a publish finished before the click was answered, so this is exact. */
  private long recordsIn(String topic) throws Exception {
    try (Admin admin = LocalKafka.get().admin()) {
      Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        spec.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(spec).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(i -> i.offset()).sum();
    }
  }

  private static boolean hasButtons(JsonObject body) {
    return body.getJsonArray("blocks").stream().anyMatch(b -> "actions".equals(((JsonObject) b).getString("type")));
  }

  @Test
  void postsEachRequestWithWhoWhatWhereRuleExpiryAndButtons() throws Exception {
    startBot();
    ApprovalRequest r = request("s-post");
    publishRequest(r);
    ChatStandIn.Call post = awaitPosted(r);
    assertEquals("Bearer " + TOKEN, post.authorization());
    assertEquals("application/json; charset=utf-8", post.contentType());
    JsonObject body = post.body();
    assertEquals("C0123", body.getString("channel"));
    String text = body.encode();
    for (String fact : List.of("ci-bot", "ai-agents", "orders", "gw-1", "s-post", "writes-need-review",
        "agents-write", "delete on public.orders needs approval by db-owners", "db-owners", "public.orders",
        "`$1` = `42`", r.digest(), r.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString())) {
      assertTrue(text.contains(fact), fact + " in " + text);
    }
    // the statement in a code block, with Slack's control characters escaped so it cannot become markup
    assertTrue(text.contains("```DELETE FROM orders WHERE id = $1 AND note &lt;&gt; '&lt;b&gt;&amp;'```"), text);
    JsonArray buttons = body.getJsonArray("blocks").stream().map(b -> (JsonObject) b)
        .filter(b -> "actions".equals(b.getString("type"))).findFirst().orElseThrow().getJsonArray("elements");
    assertEquals("approve", buttons.getJsonObject(0).getString("action_id"));
    assertEquals(r.approvalId(), buttons.getJsonObject(0).getString("value"));
    assertEquals("deny", buttons.getJsonObject(1).getString("action_id"));
    assertEquals(r.approvalId(), buttons.getJsonObject(1).getString("value"));
    assertEquals(1, chat.calls("chat.postMessage").size());
  }

  @Test
  void approvePublishesTheDecisionThenUpdatesTheMessage() throws Exception {
    startBot();
    ApprovalRequest r = request("s-approve");
    publishRequest(r);
    awaitPosted(r);
    HttpResponse<String> answer = click(ALICE, "approve", r);
    assertEquals(200, answer.statusCode(), answer.body());

    ConsumerRecord<byte[], byte[]> record = awaitDecisions(1).get(0);
    assertEquals("s-approve", new String(record.key(), StandardCharsets.UTF_8));
    SessionEvent event = EventJson.decode(new String(record.value(), StandardCharsets.UTF_8));
    assertEquals(EventType.APPROVAL_DECIDED, event.type());
    assertEquals(r.session(), event.session());
    ApprovalDecision d = ApprovalEvents.decision(event);
    assertEquals(r.approvalId(), d.approvalId());
    assertEquals(r.digest(), d.digest());
    assertEquals(ApprovalDecision.Outcome.APPROVED, d.outcome());
    assertEquals(new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"), d.decidedBy());

    ChatStandIn.Call update = chat.await("chat.update", c -> c.body().encode().contains(r.approvalId()), WAIT);
    assertEquals("C0123", update.body().getString("channel"));
    assertEquals(chat.calls("chat.postMessage").get(0).body().getString("channel"), update.body().getString("channel"));
    assertEquals("1700000000.000001", update.body().getString("ts"), "the ts the API answered to the post");
    assertFalse(hasButtons(update.body()), "buttons removed");
    String shown = update.body().encode();
    assertTrue(shown.contains("Approved") && shown.contains("alice") && shown.contains("via chat"), shown);
  }

  @Test
  void denyPublishesADenial() throws Exception {
    startBot();
    ApprovalRequest r = request("s-deny");
    publishRequest(r);
    awaitPosted(r);
    assertEquals(200, click(ALICE, "deny", r).statusCode());
    ApprovalDecision d = ApprovalEvents.decision(EventJson.decode(
        new String(awaitDecisions(1).get(0).value(), StandardCharsets.UTF_8)));
    assertEquals(ApprovalDecision.Outcome.DENIED, d.outcome());
    assertEquals("alice", d.decidedBy().subject());
    ChatStandIn.Call update = chat.await("chat.update", c -> c.body().encode().contains(r.approvalId()), WAIT);
    assertTrue(update.body().encode().contains("Denied"), update.body().encode());
  }

  @Test
  void theRequesterCannotApproveItselfNorCanStrangersOrUsersWithoutAnApproverGroup() throws Exception {
    startBot();
    ApprovalRequest r = request("s-refused");
    publishRequest(r);
    awaitPosted(r);
    assertEquals(200, click(AGENT, "approve", r).statusCode());
    chat.await("chat.postEphemeral", c -> AGENT.equals(c.body().getString("user"))
        && c.body().getString("text").contains("'ci-bot' requested this statement and cannot approve it"), WAIT);
    assertEquals(200, click(STRANGER, "approve", r).statusCode());
    chat.await("chat.postEphemeral", c -> STRANGER.equals(c.body().getString("user"))
        && c.body().getString("text").contains("not a configured approver"), WAIT);
    assertEquals(200, click(CAROL, "approve", r).statusCode());
    chat.await("chat.postEphemeral", c -> CAROL.equals(c.body().getString("user"))
        && c.body().getString("text").contains("not in an approver group"), WAIT);
    assertEquals(0, recordsIn(decisionsTopic()), "nothing published");
    assertEquals(List.of(), chat.calls("chat.update"));
    // a refusal settles nothing: a real approver can still decide
    assertEquals(200, click(ALICE, "approve", r).statusCode());
    assertEquals(1, recordsIn(decisionsTopic()));
  }

  @Test
  void aReplayedOrRepeatedClickPublishesNothingMore() throws Exception {
    startBot();
    ApprovalRequest r = request("s-replay");
    publishRequest(r);
    awaitPosted(r);
    String body = InteractionTest.form(InteractionTest.payload(ALICE, "approve", r.approvalId()));
    long now = Instant.now().getEpochSecond();
    assertEquals(200, post(body, now, null, "application/x-www-form-urlencoded").statusCode());
    assertEquals(200, post(body, now, null, "application/x-www-form-urlencoded").statusCode()); // replayed as is
    assertEquals(200, click(ALICE, "deny", r).statusCode()); // changing one's mind afterwards
    assertEquals(1, recordsIn(decisionsTopic()));
    assertEquals(ApprovalDecision.Outcome.APPROVED, ApprovalEvents.decision(EventJson.decode(
        new String(awaitDecisions(1).get(0).value(), StandardCharsets.UTF_8))).outcome());
  }

  @Test
  void forgedStaleAndMalformedCallbacksAreRefused() throws Exception {
    startBot();
    ApprovalRequest r = request("s-forged");
    publishRequest(r);
    awaitPosted(r);
    long now = Instant.now().getEpochSecond();
    HttpResponse<String> forged = click(ALICE, "approve", r, now,
        new SlackSignature("not-the-secret", Clock.systemUTC()).sign(Long.toString(now), new byte[0]));
    assertEquals(401, forged.statusCode());
    assertTrue(forged.body().contains("signature does not match"), forged.body());
    HttpResponse<String> stale = click(ALICE, "approve", r, now - 600, null); // correctly signed, 10 minutes old
    assertEquals(401, stale.statusCode());
    assertTrue(stale.body().contains("more than 5 minutes"), stale.body());
    HttpResponse<String> bad = post("payload=%7Bnot-json", now, null, "application/x-www-form-urlencoded");
    assertEquals(400, bad.statusCode());
    assertEquals("payload is not a JSON object", bad.body());
    assertEquals(415, post("{}", now, null, "application/json").statusCode());
    assertEquals(413, post("payload=" + "x".repeat(ActionsEndpoint.MAX_BODY), now, null,
        "application/x-www-form-urlencoded").statusCode());
    assertEquals(0, recordsIn(decisionsTopic()));
    // the bot is still there
    assertEquals(200, click(ALICE, "approve", r).statusCode());
    assertEquals(1, recordsIn(decisionsTopic()));
  }

  @Test
  void aDecisionMadeElsewhereUpdatesTheMessageAndLaterClicksChangeNothing() throws Exception {
    startBot();
    ApprovalRequest expiring = request("s-expired");
    ApprovalRequest viaApi = request("s-api");
    publishRequest(expiring);
    publishRequest(viaApi);
    awaitPosted(expiring);
    awaitPosted(viaApi);
    Instant now = Instant.now();
    publish(decisionsTopic(), "s-expired", EventJson.encode(ApprovalEvents.decided(expiring.session(),
        new ApprovalDecision(expiring.approvalId(), expiring.digest(), ApprovalDecision.Outcome.EXPIRED, null,
            "nobody decided within 5m", now))).getBytes(StandardCharsets.UTF_8));
    publish(decisionsTopic(), "s-api", EventJson.encode(ApprovalEvents.decided(viaApi.session(),
        new ApprovalDecision(viaApi.approvalId(), viaApi.digest(), ApprovalDecision.Outcome.DENIED,
            new ApprovalDecision.Approver("dave", List.of("db-owners"), "api"), "not during business hours", now)))
        .getBytes(StandardCharsets.UTF_8));
    ChatStandIn.Call expired = chat.await("chat.update",
        c -> c.body().encode().contains(expiring.approvalId()), WAIT);
    assertTrue(expired.body().encode().contains("Expired"), expired.body().encode());
    assertFalse(hasButtons(expired.body()));
    ChatStandIn.Call denied = chat.await("chat.update", c -> c.body().encode().contains(viaApi.approvalId()), WAIT);
    String shown = denied.body().encode();
    assertTrue(shown.contains("Denied") && shown.contains("dave") && shown.contains("via api")
        && shown.contains("not during business hours"), shown);

    assertEquals(200, click(ALICE, "approve", viaApi).statusCode());
    assertEquals(2, recordsIn(decisionsTopic()), "only the two decisions published by the test");
  }

  @Test
  void aChatApiOutageIsRetriedAndTheRequestPostedOnceAndThenCommitted() throws Exception {
    chat.failPosts(new ChatStandIn.Failure(500, null, null),
        new ChatStandIn.Failure(429, null, "0"),
        new ChatStandIn.Failure(200, "ratelimited", null));
    startBot();
    ApprovalRequest r = request("s-outage");
    publishRequest(r);
    awaitPosted(r);
    List<ChatStandIn.Call> posts = chat.calls("chat.postMessage");
    assertEquals(4, posts.size(), "three failures, then the post");
    assertEquals(1, posts.stream().filter(ChatStandIn.Call::answeredOk).count());
    awaitCommitted(requestsTopic(), 1);
  }

  @Test
  void malformedRecordsAreSkippedAndTheNextRequestIsStillPosted() throws Exception {
    startBot();
    String key = "s-bad";
    publish(requestsTopic(), key, new byte[] {(byte) 0xff, (byte) 0xfe});
    publish(requestsTopic(), key, "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8));
    ApprovalRequest r = request(key);
    // right shape, wrong type: a decision on the requests topic
    publish(requestsTopic(), key, EventJson.encode(ApprovalEvents.decided(r.session(), new ApprovalDecision(
        r.approvalId(), r.digest(), ApprovalDecision.Outcome.EXPIRED, null, null, Instant.now())))
        .getBytes(StandardCharsets.UTF_8));
    publish(decisionsTopic(), key, "garbage".getBytes(StandardCharsets.UTF_8));
    publishRequest(r);
    awaitPosted(r);
    awaitCommitted(requestsTopic(), 4);
    assertNull(bot.failure());
  }

  /** Waits until the bot's group has committed {@code n} records of {@code topic} in all. */
  private void awaitCommitted(String topic, long n) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long committed = -1;
    try (Admin admin = LocalKafka.get().admin()) {
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        committed = offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset()).sum();
        if (committed == n) {
          return;
        }
        Thread.sleep(100); // no event marks a commit: poll the group's offsets
      }
    }
    throw new AssertionError("group " + group + " committed " + committed + " of " + n + " records of " + topic);
  }
}
