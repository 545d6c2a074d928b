package dev.portcullis.events;

import static dev.portcullis.events.EventPublisherVerticleTest.sessionEvents;
import static dev.portcullis.events.JournalSinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.TopicRecords;
import dev.portcullis.testing.TopicRecords.Rec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka sink through the real publisher verticle, against a real broker, read back by a plain consumer. */
class KafkaSinkTest {
  private final Vertx vertx = Vertx.vertx();
  @TempDir Path tmp;

  KafkaSinkTest() {
    Codecs.register(vertx);
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private static EventsConfig config(String servers, String prefix, Path spool) {
    return new EventsConfig(EventsConfig.Sink.KAFKA, null, new EventsConfig.Kafka(servers, prefix, spool, 64 << 20,
        EventsConfig.OnUnavailable.REFUSE_SESSIONS, Duration.ofMinutes(5), Map.of("linger.ms", "2")));
  }

  /** The publisher for {@code config}, with the delivery health the gateway would give it. */
  private static EventPublisherVerticle publisher(EventsConfig config) {
    return EventPublisherVerticle.forConfig(config, EventPublisherVerticle.deliveryHealth(config));
  }

  private Future<Void> publishFromOwnContext(List<SessionEvent> events) {
    return EventPublisherVerticleTest.publishFromOwnContext(vertx, events);
  }

  private static String idAndType(String json) {
    io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject(json);
    return o.getString("type") + " " + o.getString("statementId", "") + " " + o.getString("id").substring(24);
  }

  private static List<Rec> dedupe(List<Rec> records) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    return records.stream().filter(r -> seen.add(new io.vertx.core.json.JsonObject(r.value()).getString("id")))
        .toList();
  }

  /** A real approval request of the session, as the gateway publishes it (it must validate too). */
  private static SessionEvent approvalRequested(SessionEvent of) {
    java.time.Instant now = java.time.Instant.now();
    String text = "DELETE FROM orders WHERE id = $1";
    return dev.portcullis.approval.ApprovalEvents.requested(new dev.portcullis.approval.ApprovalRequest(
        EventIds.next(), of.session(), of.session().sessionId() + "/1", text, text, List.of("7"),
        dev.portcullis.approval.StatementDigest.of(text, List.of("7")), List.of("delete"), List.of("public.orders"),
        "p", "writes", "delete needs approval", List.of("db-owners"), now, now.plusSeconds(300),
        dev.portcullis.approval.ApprovalRequest.Mode.HOLD, 900));
  }

  @Test
  void eventsReachTheirTopicsKeyedBySessionInOrderValidAndFreeOfSecrets() throws Exception {
    LocalKafka kafka = LocalKafka.get();
    String prefix = "sink-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    TopicRouting routing = new TopicRouting(prefix);
    kafka.createTopics(3, routing.topics().toArray(String[]::new));
    EventsConfig config = config(kafka.bootstrapServers(), prefix, tmp.resolve("spool"));
    DeliveryHealth health = EventPublisherVerticle.deliveryHealth(config);
    String deployment = await(vertx.deployVerticle(EventPublisherVerticle.forConfig(config, health)));

    Map<String, List<SessionEvent>> expected = new LinkedHashMap<>();
    List<Future<Void>> sends = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      List<SessionEvent> events = new ArrayList<>(sessionEvents(s, 60));
      events.add(3, approvalRequested(events.get(0)));
      expected.put("s" + s, events);
      sends.add(publishFromOwnContext(events));
    }
    await(Future.all(sends));
    int total = expected.values().stream().mapToInt(List::size).sum();
    // At-least-once: a producer reset may send a run of records again, so read (and judge) after dedupe by id,
    // keeping the first occurrence, as consumers do.
    List<Rec> records = dedupe(TopicRecords.readUntil(kafka.bootstrapServers(), routing.topics(),
        r -> dedupe(r).size() >= total, Duration.ofSeconds(60)));
    assertEquals(total, records.size());

    Map<String, List<String>> sessionsTopic = new LinkedHashMap<>();
    for (Rec r : records) {
      SessionEvent event = EventJson.decode(r.value());
      assertEquals(event.session().sessionId(), r.key(), "keyed by session id");
      assertEquals(routing.topicFor(event.type()), r.topic());
      EventSchemas.assertValid(r.value());
      if (!event.type().startsWith("approval.")) {
        sessionsTopic.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
      assertFalse(r.value().toLowerCase(java.util.Locale.ROOT).contains("password"), r.value());
    }
    for (Map.Entry<String, List<SessionEvent>> e : expected.entrySet()) {
      List<String> lines = e.getValue().stream().filter(ev -> !ev.type().startsWith("approval."))
          .map(EventJson::encode).toList();
      List<String> got = sessionsTopic.get(e.getKey());
      assertEquals(lines.stream().map(KafkaSinkTest::idAndType).toList(),
          got.stream().map(KafkaSinkTest::idAndType).toList(), "session " + e.getKey() + ": same events, same order");
      assertTrue(lines.equals(got), "session " + e.getKey() + ": byte-identical lines");
    }
    await(vertx.undeploy(deployment));
    assertFalse(health.undeliverable());
    try (Stream<Path> files = Files.list(tmp.resolve("spool"))) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".seg")).count(), "acknowledged segments deleted");
    }
  }

  @Test
  void whatKafkaDidNotAcknowledgeBeforeAStopIsSentByTheNextStart() throws Exception {
    LocalKafka kafka = LocalKafka.get();
    String prefix = "sink-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    TopicRouting routing = new TopicRouting(prefix);
    kafka.createTopics(1, routing.topics().toArray(String[]::new));
    Path spool = tmp.resolve("spool");
    List<SessionEvent> events = sessionEvents(1, 20);

    // First run: no broker where the config points, so everything stays in the spool.
    String nowhere = "127.0.0.1:" + freePort();
    String first = await(vertx.deployVerticle(publisher(config(nowhere, prefix, spool))));
    await(publishFromOwnContext(events));
    await(vertx.undeploy(first));
    assertTrue(Files.size(spool.resolve(String.format("%020d.seg", 0))) > 0);

    String second = await(vertx.deployVerticle(
        publisher(config(kafka.bootstrapServers(), prefix, spool))));
    List<Rec> records = TopicRecords.readUntil(kafka.bootstrapServers(), List.of(prefix + "sessions"),
        r -> dedupe(r).size() >= events.size(), Duration.ofSeconds(60));
    assertEquals(events.stream().map(EventJson::encode).toList(), dedupe(records).stream().map(Rec::value).toList());
    await(vertx.undeploy(second));
  }

  @Test
  void aFullSpoolDropsCountsAndMakesEventsUndeliverable() throws Exception {
    String nowhere = "127.0.0.1:" + freePort();
    EventsConfig config = new EventsConfig(EventsConfig.Sink.KAFKA, null, new EventsConfig.Kafka(nowhere, "full.",
        tmp.resolve("spool"), 1 << 20, EventsConfig.OnUnavailable.KEEP_SERVING, Duration.ofMinutes(5), Map.of()));
    DeliveryHealth health = EventPublisherVerticle.deliveryHealth(config);
    String deployment = await(vertx.deployVerticle(EventPublisherVerticle.forConfig(config, health)));
    assertFalse(health.undeliverable());
    for (int s = 0; s < 30; s++) {
      await(publishFromOwnContext(sessionEvents(s, 100)));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while ((!health.undeliverable() || health.stats().droppedSpoolFull() == 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the publisher's thread and the health timer move these: nothing to await
    }
    assertTrue(health.stats().droppedSpoolFull() > 0, "events beyond maxBytes are dropped and counted");
    assertTrue(health.undeliverable(), "a full spool makes events undeliverable");
    assertTrue(health.admitsNewSessions(), "keep-serving still admits sessions");
    assertEquals(1, health.stats().sessionsServedUndeliverable());
    long onDisk;
    try (Stream<Path> files = Files.list(tmp.resolve("spool"))) {
      onDisk = files.filter(f -> f.toString().endsWith(".seg")).mapToLong(f -> f.toFile().length()).sum();
    }
    assertTrue(onDisk <= 1 << 20, "the spool stays within maxBytes: " + onDisk);
    await(vertx.undeploy(deployment));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
