package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.audit.AuditConsumer;
import dev.portcullis.audit.AuditFixture;
import dev.portcullis.audit.AuditStore;
import dev.portcullis.audit.SampleSessions;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit search} and {@code replay} through {@link Main#run}, over events a real consumer stored from a real
 * broker: filters, both output formats, replay from the store and from Kafka, and following a live session.
 */
class AuditCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  static AuditFixture fixture;
  static Path config;
  static Vertx vertx;
  static AuditStore store;
  static AuditConsumer consumer;
  static SessionInfo ci;
  static SessionInfo ops;
  static List<SessionEvent> ciEvents;
  static List<SessionEvent> opsEvents;

  @BeforeAll
  static void storeTwoSessions() throws Exception {
    fixture = AuditFixture.create("cli", 2);
    config = fixture.writeConfig(dir, "g-cli");
    ci = SampleSessions.session("ci-bot", List.of("ai-agents"), "orders");
    ops = SampleSessions.session("ops-bot", List.of("ops", "oncall"), "billing");
    ciEvents = SampleSessions.complete(ci);
    opsEvents = SampleSessions.complete(ops);
    fixture.publish(ciEvents);
    fixture.publish(opsEvents);
    vertx = Vertx.vertx();
    store = AuditStore.open(vertx, fixture.store());
    consumer = new AuditConsumer(fixture.kafka("g-cli"), store);
    consumer.start();
    awaitRows(ciEvents.size() + opsEvents.size());
  }

  @AfterAll
  static void stop() throws Exception {
    consumer.stop(WAIT);
    store.close().toCompletionStage().toCompletableFuture().get();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static void awaitRows(long n) throws Exception {
    Await.until(WAIT, () -> fixture.count("SELECT count(*) FROM audit_events") == n, () -> n + " rows");
  }

  record Run(int exit, String out) {
    List<SessionEvent> events() {
      List<SessionEvent> events = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          events.add(EventJson.decode(line));
        }
      }
      return events;
    }

    List<String> ids() {
      return events().stream().map(SessionEvent::id).toList();
    }
  }

  static synchronized Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  private static Run search(String... filters) {
    List<String> args = new ArrayList<>(List.of("audit", "search", "--config", config.toString()));
    args.addAll(List.of(filters));
    return run(args.toArray(new String[0]));
  }

  private static List<String> ids(List<SessionEvent> events) {
    return events.stream().map(SessionEvent::id).toList();
  }

  @Test
  void searchBySubjectAsJsonGivesTheSessionsEventsAsPublished() {
    Run r = search("--subject", "ci-bot", "--format", "json");
    assertEquals(0, r.exit(), r.out());
    assertEquals(ids(ciEvents), r.ids());
    assertEquals(ciEvents, r.events(), "every field comes back as published");
  }

  @Test
  void eachFilterNarrowsTheResult() {
    assertEquals(2, search("--decision", "deny", "--format", "json").events().size());
    assertEquals(ids(opsEvents), search("--group", "oncall", "--format", "json").ids());
    assertEquals(ids(opsEvents), search("--target", "billing", "--format", "json").ids());
    assertEquals(ids(ciEvents), search("--session", ci.sessionId(), "--format", "json").ids());
    assertEquals(List.of(ciEvents.get(0).id(), opsEvents.get(0).id()),
        search("--type", "session.started", "--format", "json").ids());
    List<SessionEvent> text = search("--text", "MISSING_table", "--session", ops.sessionId(), "--format", "json")
        .events();
    assertEquals(1, text.size());
    assertEquals("statement.decided", text.get(0).type());
    assertEquals(1, search("--text", "customers where id = ?", "--subject", "ci-bot", "--format", "json").events().size(),
        "matches the fingerprint too");
    assertEquals(ciEvents.size() + opsEvents.size(), search("--since", "1h", "--format", "json").events().size());
    assertEquals(0, search("--until", "2020-01-01", "--format", "json").events().size());
    assertEquals(0, search("--since", ciEvents.get(0).time().plusSeconds(3600).toString(), "--format", "json")
        .events().size());
    List<SessionEvent> limited = search("--subject", "ops-bot", "--limit", "2", "--format", "json").events();
    assertEquals(ids(opsEvents.subList(opsEvents.size() - 2, opsEvents.size())), ids(limited),
        "the most recent, oldest first");
  }

  @Test
  void tableOutputIsReadable() {
    Run r = search("--decision", "deny");
    assertEquals(0, r.exit(), r.out());
    String[] lines = r.out().split("\n");
    assertEquals(3, lines.length, r.out());
    assertTrue(lines[0].matches("TIME\\s+SESSION\\s+SUBJECT\\s+TARGET\\s+TYPE\\s+DECISION\\s+RULE\\s+TEXT"), lines[0]);
    assertTrue(lines[1].contains(ci.sessionId().substring(0, 8)) && lines[1].contains("ci-bot")
        && lines[1].contains("orders") && lines[1].contains("statement.decided") && lines[1].contains("deny")
        && lines[1].contains("no-ddl/agents-read") && lines[1].contains("DROP TABLE orders"), lines[1]);
  }

  @Test
  void badTimesAndLimitsAreUsageErrors() {
    assertEquals(2, search("--since", "yesterday").exit());
    assertEquals(2, search("--decision", "maybe").exit());
    assertEquals(2, search("--limit", "0").exit());
  }

  @Test
  void replayFromTheStoreAsText() {
    Run r = run("replay", ci.sessionId(), "--config", config.toString());
    assertEquals(0, r.exit(), r.out());
    String out = r.out();
    assertTrue(out.startsWith("session " + ci.sessionId() + ": ci-bot [ai-agents] issuer https://idp.test → orders"
        + " (postgres) via gateway gw-test\n"), out);
    assertInOrder(out, "+0.000s  session.started", "from 127.0.0.1:50000, tls, application psql",
        "statement 1", "ALLOW by read-public/agents-read", "    SELECT name FROM customers WHERE id = 42",
        "+0.002s  completed 1", "SELECT 3 · 3 rows · 7 ms",
        "statement 2", "DENY by no-ddl/agents-read: ddl on public.orders is denied", "    DROP TABLE orders",
        "statement 3", "REVIEW by writes-need-review/agents-read", "    DELETE FROM orders WHERE id = $1\n",
        "approval.requested 3", "approval requested " + approvalId(ciEvents)
            + " by rule writes-need-review/agents-read for db-owners (hold, expires ", ")\n    with $1 = '7'\n",
        "approval.decided 3", "approval approved by alice via chat: ticket OPS-12\n",
        "completed 3", "DELETE 1 · 1 rows · 3 ms",
        "completed 4", "ERROR 42P01 relation \"missing_table\" does not exist · 2 ms",
        "session.ended", "client terminated · 1234 ms · 4 statements");
    assertEquals(out.indexOf("    DELETE FROM orders WHERE id = $1"),
        out.lastIndexOf("    DELETE FROM orders WHERE id = $1"), "the request's text is the statement's: shown once");
  }

  private static String approvalId(List<SessionEvent> events) {
    return events.stream().filter(e -> e.type().equals("approval.requested")).findFirst().orElseThrow()
        .details().get("approvalId").toString();
  }

  @Test
  void approvalsAreSearchedByOutcomeTypeAndText() {
    List<SessionEvent> approved = search("--decision", "approved", "--format", "json").events();
    assertEquals(List.of("approval.decided", "approval.decided"), approved.stream().map(SessionEvent::type).toList());
    assertEquals(List.of(ci.sessionId(), ops.sessionId()),
        approved.stream().map(e -> e.session().sessionId()).toList(), "in the requesting sessions' timelines");
    assertEquals(0, search("--decision", "denied", "--format", "json").events().size());
    assertEquals(List.of("statement.decided", "approval.requested"), search("--text", "where id = $1", "--subject",
        "ci-bot", "--format", "json").events().stream().map(SessionEvent::type).toList());

    Run table = search("--type", "approval.requested", "--subject", "ci-bot");
    assertEquals(0, table.exit(), table.out());
    String[] lines = table.out().split("\n");
    assertEquals(2, lines.length, table.out());
    assertTrue(lines[1].contains("approval.requested") && lines[1].contains("writes-need-review/agents-read")
        && lines[1].contains("DELETE FROM orders WHERE id = $1 [$1 = '7']"), lines[1]);
    table = search("--decision", "approved", "--subject", "ops-bot");
    lines = table.out().split("\n");
    assertEquals(2, lines.length, table.out());
    assertTrue(lines[1].contains("approval.decided") && lines[1].contains("approved")
        && lines[1].contains("approval approved by alice via chat: ticket OPS-12"), lines[1]);
  }

  @Test
  void replayAsJsonFromStoreAndKafkaGivesTheEventsInOrder() {
    Run store = run("replay", ci.sessionId(), "--config", config.toString(), "--format", "json");
    assertEquals(0, store.exit(), store.out());
    String published = ciEvents.stream().map(e -> EventJson.encode(e) + "\n").reduce("", String::concat);
    assertEquals(published, store.out(), "from the store, byte for byte as published");
    Run kafka = run("replay", ci.sessionId(), "--config", config.toString(), "--source", "kafka", "--format", "json");
    assertEquals(0, kafka.exit(), kafka.out());
    assertEquals(published, kafka.out(), "from Kafka, byte for byte as published");
    Run kafkaText = run("replay", ci.sessionId(), "--config", config.toString(), "--source", "kafka");
    Run storeText = run("replay", ci.sessionId(), "--config", config.toString());
    assertEquals(storeText.out(), kafkaText.out());
  }

  @Test
  void replayFromKafkaNeedsNoStorePassword() throws Exception {
    Path kafkaOnly = Files.createTempDirectory("audit-kafka-only").resolve("audit.yaml");
    Files.writeString(kafkaOnly, Files.readString(config)
        .replace("passwordFile: audit.pw", "passwordEnv: PORTCULLIS_TEST_UNSET_AUDIT_PASSWORD"));
    Run kafka = run("replay", ci.sessionId(), "--config", kafkaOnly.toString(), "--source", "kafka", "--format", "json");
    assertEquals(0, kafka.exit(), kafka.out());
    assertEquals(ciEvents.size(), kafka.out().lines().count());
    assertEquals(1, run("replay", ci.sessionId(), "--config", kafkaOnly.toString()).exit(),
        "the store still needs its password");
  }

  @Test
  void theShortIdTheTableShowsSelectsTheSession() {
    String shortId = ci.sessionId().substring(0, 8);
    assertEquals(ids(ciEvents), search("--session", shortId, "--format", "json").ids());
    Run full = run("replay", ci.sessionId(), "--config", config.toString(), "--format", "json");
    assertEquals(full.out(), run("replay", shortId, "--config", config.toString(), "--format", "json").out());
    assertEquals(0, search("--session", "zz", "--format", "json").events().size());
  }

  @Test
  void anUnknownSessionExitsOne() {
    assertEquals(1, run("replay", "no-such-session", "--config", config.toString()).exit());
    assertEquals(1, run("replay", "no-such-session", "--config", config.toString(), "--source", "kafka").exit());
  }

  @Test
  void followFromTheStoreEndsAtSessionEnded() throws Exception {
    follow("store");
  }

  @Test
  void followFromKafkaEndsAtSessionEnded() throws Exception {
    follow("kafka");
  }

  /** With a store and topics of its own, so that the other tests' searches do not see the live session. */
  private void follow(String source) throws Exception {
    AuditFixture f = AuditFixture.create("follow", 1);
    Path followDir = java.nio.file.Files.createDirectories(dir.resolve("follow-" + source));
    Path followConfig = f.writeConfig(followDir, "g-follow");
    AuditStore followStore = AuditStore.open(vertx, f.store());
    AuditConsumer followConsumer = new AuditConsumer(f.kafka("g-follow"), followStore);
    followConsumer.start();
    try {
      follow(f, followConfig, source);
    } finally {
      followConsumer.stop(WAIT);
      followStore.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private void follow(AuditFixture f, Path config, String source) throws Exception {
    SessionInfo live = SampleSessions.session("live-bot", List.of("ai-agents"), "orders");
    List<SessionEvent> events = SampleSessions.complete(live);
    List<SessionEvent> early = events.subList(0, 3);
    f.publish(early);
    Await.until(WAIT, () -> f.count("SELECT count(*) FROM audit_events WHERE session_id = '"
        + live.sessionId() + "'") == early.size(), () -> "early events stored");

    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int[] exit = {-1};
    Thread follower;
    synchronized (AuditCliTest.class) {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      follower = new Thread(() -> exit[0] = Main.run("replay", live.sessionId(), "--config", config.toString(),
          "--source", source, "--follow", "--format", "json"));
      follower.start();
      try {
        Await.until(WAIT, () -> count(buffer) == early.size(), () -> "history printed: " + buffer);
        f.publish(events.subList(3, events.size() - 1));
        Await.until(WAIT, () -> count(buffer) == events.size() - 1, () -> "live events: " + buffer);
        assertTrue(follower.isAlive(), "still following before session.ended");
        f.publish(List.of(events.get(events.size() - 1)));
        follower.join(WAIT.toMillis());
      } finally {
        System.setOut(old);
      }
    }
    assertTrue(!follower.isAlive(), "replay --follow did not end at session.ended");
    assertEquals(0, exit[0]);
    assertEquals(ids(events), new Run(0, buffer.toString(StandardCharsets.UTF_8)).ids());
  }

  private static long count(ByteArrayOutputStream buffer) {
    return buffer.toString(StandardCharsets.UTF_8).lines().count();
  }

  private static void assertInOrder(String text, String... parts) {
    int at = 0;
    for (String part : parts) {
      int found = text.indexOf(part, at);
      assertTrue(found >= 0, "missing (in order) '" + part + "' after position " + at + " in:\n" + text);
      at = found + part.length();
    }
  }

}
