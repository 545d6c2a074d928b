package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.testing.LocalKafka;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit consumer against a real broker and a real PostgreSQL: once-only rows, commit order, dead letters. */
class AuditConsumerTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static Vertx vertx;
  private final List<AuditConsumer> running = new ArrayList<>();
  private final List<AuditStore> stores = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close();
  }

  @AfterEach
  void stopConsumers() throws Exception {
    for (AuditConsumer c : running) {
      c.stop(Duration.ofSeconds(30));
    }
    for (AuditStore s : stores) {
      s.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private AuditConsumer consumer(AuditFixture f, String group) {
    AuditStore store = AuditStore.open(vertx, f.store());
    stores.add(store);
    AuditConsumer c = new AuditConsumer(f.kafka(group), store, Duration.ofMillis(500), Duration.ofSeconds(1));
    running.add(c);
    return c;
  }

  private static void awaitRows(AuditFixture f, long n) throws Exception {
    Await.until(WAIT, () -> f.count("SELECT count(*) FROM audit_events") == n,
        () -> "expected " + n + " rows");
  }

  private static void awaitAllCommitted(AuditFixture f, String group) throws Exception {
    var ends = Offsets.ends(LocalKafka.get(), f.routing.topics());
    Await.until(WAIT, () -> Offsets.committed(LocalKafka.get(), group).equals(ends),
        () -> "group " + group + " did not commit " + ends);
  }

  @Test
  void eventsLandOnceWithSearchColumnsAndOffsetsAreCommitted() throws Exception {
    AuditFixture f = AuditFixture.create("once", 3);
    SessionInfo s = SampleSessions.session("ci-bot", List.of("ai-agents", "ci"), "orders");
    List<SessionEvent> events = SampleSessions.complete(s);
    f.publish(events);
    AuditConsumer c = consumer(f, "g-once");
    c.start();
    awaitRows(f, events.size());
    awaitAllCommitted(f, "g-once");

    try (Connection conn = f.admin(); Statement st = conn.createStatement()) {
      ResultSet rs = st.executeQuery("SELECT type, subject, groups::text, target, protocol, decision, rule, policy,"
          + " fingerprint, text, rows, duration_ms, error, event->>'id' = id, kafka_topic FROM audit_events"
          + " WHERE statement_id = '" + s.sessionId() + "/1' ORDER BY time");
      assertTrue(rs.next());
      assertEquals("statement.decided", rs.getString(1));
      assertEquals("ci-bot", rs.getString(2));
      assertEquals("{ai-agents,ci}", rs.getString(3));
      assertEquals("orders", rs.getString(4));
      assertEquals("postgres", rs.getString(5));
      assertEquals("allow", rs.getString(6));
      assertEquals("read-public", rs.getString(7));
      assertEquals("agents-read", rs.getString(8));
      assertEquals("select name from customers where id = ?", rs.getString(9));
      assertEquals("SELECT name FROM customers WHERE id = 42", rs.getString(10));
      assertTrue(rs.getBoolean(14));
      assertEquals(f.prefix + "sessions", rs.getString(15));
      assertTrue(rs.next());
      assertEquals("statement.completed", rs.getString(1));
      assertEquals(3, rs.getLong(11));
      assertEquals(7, rs.getLong(12));
      assertTrue(!rs.next());
      rs = st.executeQuery("SELECT error FROM audit_events WHERE statement_id = '" + s.sessionId() + "/4'"
          + " AND type = 'statement.completed'");
      assertTrue(rs.next());
      assertEquals("42P01: relation \"missing_table\" does not exist", rs.getString(1));
      rs = st.executeQuery("SELECT count(*) FROM audit_events WHERE kafka_topic = '" + f.prefix
          + "approvals.requests' AND session_id = '" + s.sessionId() + "'");
      rs.next();
      assertEquals(1, rs.getLong(1), "approval events join the session's timeline");
    }
    Await.until(WAIT, () -> c.stats().consumed() == events.size(), () -> "stats " + c.stats());
    assertEquals(events.size(), c.stats().inserted());
    assertEquals(0, c.stats().duplicates());
  }

  @Test
  void theSamePartitionsConsumedAgainLeaveNoDuplicates() throws Exception {
    AuditFixture f = AuditFixture.create("again", 2);
    List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
    f.publish(events);
    AuditConsumer first = consumer(f, "g-first");
    first.start();
    awaitRows(f, events.size());
    // A new group starts from the beginning of every partition: the same records arrive again.
    AuditConsumer second = consumer(f, "g-second");
    second.start();
    awaitAllCommitted(f, "g-second");
    Await.until(WAIT, () -> second.stats().consumed() == events.size(), () -> "stats " + second.stats());
    assertEquals(events.size(), second.stats().duplicates());
    assertEquals(0, second.stats().inserted());
    assertEquals(events.size(), f.count("SELECT count(*) FROM audit_events"));
    assertEquals(events.size(), f.count("SELECT count(DISTINCT id) FROM audit_events"));
  }

  @Test
  void aCrashBetweenStoreCommitAndOffsetCommitRedeliversWithoutDuplicates() throws Exception {
    AuditFixture f = AuditFixture.create("crash", 2);
    List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
    f.publish(events);
    AuditConsumer crashing = consumer(f, "g-crash");
    crashing.afterStoreCommit(() -> {
      throw new IllegalStateException("simulated crash after the store commit");
    });
    crashing.start();
    assertTrue(crashing.awaitStopped(WAIT), "the crashing consumer did not stop");
    assertTrue(crashing.failure().getMessage().contains("simulated crash"), String.valueOf(crashing.failure()));
    long stored = f.count("SELECT count(*) FROM audit_events");
    assertTrue(stored > 0, "the first batch reached the store before the crash");
    assertEquals(Map.of(), Offsets.committed(LocalKafka.get(), "g-crash"), "nothing was committed");

    AuditConsumer fresh = consumer(f, "g-crash");
    fresh.start();
    awaitAllCommitted(f, "g-crash");
    awaitRows(f, events.size());
    Await.until(WAIT, () -> fresh.stats().consumed() == events.size(), () -> "stats " + fresh.stats());
    assertEquals(stored, fresh.stats().duplicates(), "the re-delivered records were already stored");
    assertEquals(events.size(), f.count("SELECT count(DISTINCT id) FROM audit_events"));
  }

  @Test
  void twoConsumersInOneGroupSharePartitionsAndEveryEventLandsOnce() throws Exception {
    AuditFixture f = AuditFixture.create("shared", 3);
    AuditConsumer a = consumer(f, "g-shared");
    AuditConsumer b = consumer(f, "g-shared");
    a.start();
    b.start();
    // 4 topics x 3 partitions: once both hold some, produce.
    Await.until(WAIT, () -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
        && a.assignment().size() + b.assignment().size() == 12, () -> a.assignment() + " / " + b.assignment());
    List<SessionEvent> events = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      events.addAll(SampleSessions.complete(SampleSessions.session("bot-" + i, List.of("g"), "orders")));
    }
    f.publish(events);
    awaitRows(f, events.size());
    awaitAllCommitted(f, "g-shared");
    Await.until(WAIT, () -> a.stats().consumed() + b.stats().consumed() == events.size(),
        () -> a.stats() + " / " + b.stats());
    assertTrue(a.stats().consumed() > 0 && b.stats().consumed() > 0, a.stats() + " / " + b.stats());
    assertEquals(events.size(), a.stats().inserted() + b.stats().inserted());
  }

  @Test
  void malformedRecordsBecomeDeadLettersAndTheConsumerGoesOn() throws Exception {
    AuditFixture f = AuditFixture.create("dead", 1);
    String sessions = f.prefix + "sessions";
    f.publishRaw(sessions, "k1", "not json at all".getBytes(StandardCharsets.UTF_8));
    f.publishRaw(sessions, "k2", "{\"schemaVersion\":2,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    f.publishRaw(sessions, null, new byte[] {(byte) 0xC3, (byte) 0x28});
    f.publishRaw(sessions, "k4", null);
    List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
    // Well-formed, but its subject is too long for the subject index: the store itself refuses the row.
    StringBuilder subject = new StringBuilder();
    java.util.Random random = new java.util.Random(7);
    while (subject.length() < 20_000) {
      subject.append(Long.toString(random.nextLong(), 36));
    }
    f.publish(SampleSessions.complete(SampleSessions.session(subject.toString(), List.of(), "orders")).subList(0, 1));
    f.publish(events);
    AuditConsumer c = consumer(f, "g-dead");
    c.start();
    awaitRows(f, events.size());
    awaitAllCommitted(f, "g-dead");
    try (Connection conn = f.admin(); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT topic, partition, \"offset\", convert_from(key, 'UTF8'), error"
            + " FROM audit_dead_letters ORDER BY \"offset\"")) {
      String[] errors = {"not a Portcullis event: not a JSON object", "not a Portcullis event: unsupported schemaVersion: 2",
          "value is not UTF-8", "record has no value", "the audit store refused the event"};
      for (int i = 0; i < errors.length; i++) {
        assertTrue(rs.next(), "dead letter " + i);
        assertEquals(sessions, rs.getString(1));
        assertEquals(0, rs.getInt(2));
        assertEquals(i, rs.getLong(3));
        assertTrue(rs.getString(5).startsWith(errors[i]), rs.getString(5));
      }
      assertTrue(!rs.next());
    }
    assertEquals(5, c.stats().deadLetters());
    assertNull(c.failure());
  }

  @Test
  void whileTheStoreIsUnreachableNothingIsCommittedAndAllArrivesAfter() throws Exception {
    AuditFixture f = AuditFixture.create("outage", 1);
    AuditConsumer c = consumer(f, "g-outage");
    c.start();
    Await.until(WAIT, () -> f.count("SELECT count(*) FROM audit_schema_migrations") == AuditSchema.CURRENT
        && !c.assignment().isEmpty(), () -> "consumer ready");
    try (Connection conn = dev.portcullis.testing.LocalPostgres.get().adminConnection("postgres");
        Statement st = conn.createStatement()) {
      st.execute("ALTER DATABASE " + f.database + " ALLOW_CONNECTIONS false");
      st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + f.database + "'");
      List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
      f.publish(events);
      Await.until(WAIT, () -> c.stats().storeFailures() >= 2, () -> "store failures " + c.stats());
      assertEquals(Map.of(), Offsets.committed(LocalKafka.get(), "g-outage"));
      st.execute("ALTER DATABASE " + f.database + " ALLOW_CONNECTIONS true");
      awaitAllCommitted(f, "g-outage");
      awaitRows(f, events.size());
      assertNull(c.failure());
    }
  }
}
