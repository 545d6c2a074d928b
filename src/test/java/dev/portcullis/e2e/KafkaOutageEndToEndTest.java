package dev.portcullis.e2e;

import static dev.portcullis.e2e.GatewayHarness.await;
import static dev.portcullis.e2e.GatewayHarness.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.EventsConfig.OnUnavailable;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.TopicRecords.Rec;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway with {@code events.sink: kafka} on a private broker that the tests stop and start: sessions go
 * on through an outage, every event arrives afterwards in per-session order, and {@code onUnavailable} decides
 * whether new sessions are refused while Kafka stays away longer than {@code maxOutage}.
 */
class KafkaOutageEndToEndTest {
  private static LocalKafka kafka;
  private final Vertx vertx = Vertx.vertx();
  private Gateway gateway;
  private KafkaGatewayFixture fixture;
  private int port;
  /** Probe sessions that were admitted (and so produce events). */
  private int probesAdmitted;

  @BeforeAll
  static void startKafka() {
    kafka = LocalKafka.create();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @AfterEach
  void stopGateway() throws Exception {
    kafka.start(); // a failed test may leave it stopped
    if (gateway != null) {
      await(gateway.stop());
    }
    await(vertx.close());
  }

  private void startGateway(OnUnavailable on, Duration maxOutage) throws Exception {
    fixture = new KafkaGatewayFixture();
    kafka.createTopics(3, fixture.routing.topics().toArray(String[]::new));
    port = freePort();
    gateway = await(Gateway.start(vertx, fixture.config(port, kafka.bootstrapServers(),
        fixture.work.resolve("spool"), on, maxOutage)));
  }

  private static int select(Connection c, int n) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + n + " AS n")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** A session that runs statements as fast as it can until stopped; counts them. */
  private static final class BusySession {
    final AtomicInteger done = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    final CompletableFuture<Integer> finished;

    BusySession(Connection c) {
      finished = CompletableFuture.supplyAsync(() -> {
        try (c) {
          while (!stop.get()) {
            int n = done.get() + 1;
            assertEquals(n, select(c, n));
            done.set(n);
          }
          return done.get();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    void awaitAtLeast(int n) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (done.get() < n && !finished.isDone() && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // polling a counter another thread moves: nothing to await
      }
      assertTrue(done.get() >= n, () -> "only " + done.get() + " statements: " + finished);
    }
  }

  @Test
  void aBusySessionGoesOnThroughAnOutageAndEveryEventArrivesOnceInOrder() throws Exception {
    startGateway(OnUnavailable.REFUSE_SESSIONS, Duration.ofMinutes(5));
    String token = fixture.token("busy-agent");
    BusySession busy = new BusySession(KafkaGatewayFixture.connect(port, token));
    busy.awaitAtLeast(50);

    kafka.stop();
    int atStop = busy.done.get();
    busy.awaitAtLeast(atStop + 200); // the data path never waits for Kafka
    try (Connection during = KafkaGatewayFixture.connect(port, fixture.token("outage-agent"))) {
      assertEquals(7, select(during, 7)); // new sessions too, within maxOutage
    }
    int beforeRestart = busy.done.get();
    kafka.start();
    busy.awaitAtLeast(beforeRestart + 50);
    busy.stop.set(true);
    int statements = busy.finished.get(60, TimeUnit.SECONDS);

    List<Rec> records = fixture.readUntilEnded(kafka.bootstrapServers(), Map.of("busy-agent", 1, "outage-agent", 1));
    Map<String, List<SessionEvent>> sessions = KafkaGatewayFixture.dedupedBySession(records);
    assertEquals(Map.of("busy-agent", 1, "outage-agent", 1), KafkaGatewayFixture.endedBySubject(sessions));
    int busyStatements = -1;
    for (List<SessionEvent> events : sessions.values()) {
      int n = KafkaGatewayFixture.assertSessionInOrder(events);
      if (events.get(0).session().identity().subject().equals("busy-agent")) {
        busyStatements = n;
      } else {
        assertEquals(1, n);
      }
    }
    assertEquals(statements, busyStatements, "every statement's events, exactly once after dedupe by id");
    for (Rec r : records) {
      assertFalse(r.value().contains(token), "no token in any record");
      assertFalse(r.value().contains(fixture.backendPassword()), "no password in any record");
    }
  }

  @Test
  void refuseSessionsRefusesNewSessionsWhileKafkaIsAwayAndAdmitsThemAgainAfter() throws Exception {
    startGateway(OnUnavailable.REFUSE_SESSIONS, Duration.ofMillis(500));
    String probe = fixture.token("probe-agent");
    try (Connection running = KafkaGatewayFixture.connect(port, fixture.token("steady-agent"))) {
      assertEquals(1, select(running, 1));
      kafka.stop();
      awaitUndeliverable(true); // nothing waits in the spool: the idle gateway's probes notice
      SQLException refused = awaitRefusal(probe);
      assertEquals(0, probesAdmitted, "the first new session after maxOutage is refused");
      assertEquals(2, select(running, 2)); // its events now wait in the spool
      assertEquals("57P03", refused.getSQLState());
      assertTrue(refused.getMessage().contains("audit events cannot be delivered"), refused.getMessage());
      assertEquals(3, select(running, 3), "a running session continues");
      assertTrue(gateway.deliveryHealth().stats().sessionsRefused() >= 1);

      kafka.start();
      awaitAdmitted(probe);
      assertEquals(4, select(running, 4));
    }
    List<Rec> records = fixture.readUntilEnded(kafka.bootstrapServers(),
        Map.of("steady-agent", 1, "probe-agent", probesAdmitted));
    Map<String, List<SessionEvent>> sessions = KafkaGatewayFixture.dedupedBySession(records);
    assertEquals(Map.of("steady-agent", 1, "probe-agent", probesAdmitted),
        KafkaGatewayFixture.endedBySubject(sessions));
    for (List<SessionEvent> events : sessions.values()) {
      int selects = KafkaGatewayFixture.assertSessionInOrder(events);
      boolean steady = events.get(0).session().identity().subject().equals("steady-agent");
      assertEquals(steady ? 4 : 1, selects, "every statement of the session that ran through the outage");
    }
  }

  @Test
  void keepServingAdmitsSessionsAndSaysLoudlyThatEventsAreNotDelivered() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger healthLog = (Logger) LoggerFactory.getLogger(DeliveryHealth.class);
    healthLog.addAppender(logs);
    try {
      startGateway(OnUnavailable.KEEP_SERVING, Duration.ofMillis(500));
      String token = fixture.token("serving-agent");
      try (Connection running = KafkaGatewayFixture.connect(port, token)) {
        kafka.stop();
        assertEquals(1, select(running, 1));
        awaitUndeliverable(true);
        try (Connection fresh = KafkaGatewayFixture.connect(port, token)) {
          assertEquals(2, select(fresh, 2));
        }
        assertTrue(gateway.deliveryHealth().stats().sessionsServedUndeliverable() >= 1);
        ILoggingEvent error = logged(logs, "AUDIT EVENTS CANNOT BE DELIVERED");
        assertNotNull(error, "an ERROR says so");
        assertEquals(ch.qos.logback.classic.Level.ERROR, error.getLevel());
        assertTrue(error.getFormattedMessage().contains("keep-serving"), error.getFormattedMessage());
        kafka.start();
        awaitUndeliverable(false);
        assertNotNull(logged(logs, "delivered again"), "recovery is logged");
      }
      List<Rec> records = fixture.readUntilEnded(kafka.bootstrapServers(), Map.of("serving-agent", 2));
      assertEquals(Map.of("serving-agent", 2),
          KafkaGatewayFixture.endedBySubject(KafkaGatewayFixture.dedupedBySession(records)));
    } finally {
      healthLog.detachAppender(logs);
    }
  }

  private static ILoggingEvent logged(ListAppender<ILoggingEvent> logs, String text) {
    synchronized (logs.list) {
      return logs.list.stream().filter(e -> e.getFormattedMessage().contains(text)).findFirst().orElse(null);
    }
  }

  private void awaitUndeliverable(boolean expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (gateway.deliveryHealth().undeliverable() != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // a state the gateway's timer sets: nothing to await
    }
    assertEquals(expected, gateway.deliveryHealth().undeliverable());
  }

  /** New connections until one is refused (maxOutage must pass first). */
  private SQLException awaitRefusal(String token) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Connection c = KafkaGatewayFixture.connect(port, token)) {
        probesAdmitted++;
        select(c, 0);
      } catch (SQLException e) {
        return e;
      }
      awaitUndeliverable(true);
    }
    throw new AssertionError("no session was refused");
  }

  /** New connections until one is admitted again (Kafka has acknowledged the spooled events). */
  private void awaitAdmitted(String token) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = KafkaGatewayFixture.connect(port, token)) {
        probesAdmitted++;
        assertEquals(9, select(c, 9));
        return;
      } catch (SQLException e) {
        assertEquals("57P03", e.getSQLState(), e::toString);
        last = e;
        awaitUndeliverable(false);
      }
    }
    throw new AssertionError("sessions were not admitted again", last);
  }
}
