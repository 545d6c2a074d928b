package dev.portcullis.events;

import static dev.portcullis.events.JournalSinkTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPublisherVerticleTest {
  private final Vertx vertx = Vertx.vertx();
  @TempDir Path tmp;

  EventPublisherVerticleTest() {
    Codecs.register(vertx);
  }

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  /** One session's events as the termination would publish them: started, decided/completed pairs, ended. */
  static List<SessionEvent> sessionEvents(int session, int statements) {
    SessionInfo info = new SessionInfo("s" + session, "gw-1",
        new Identity("agent-" + session, List.of("ai-agents"), "https://idp", Instant.parse("2030-01-01T00:00:00Z")),
        "orders", "postgres");
    List<SessionEvent> events = new ArrayList<>();
    events.add(SessionEvents.started(info, "127.0.0.1:" + (40000 + session), "test", true, List.of("p")));
    for (int n = 1; n <= statements; n++) {
      String id = SessionEvents.statementId(info, n);
      events.add(SessionEvents.decided(info, id, SessionEventsTest.judged("SELECT " + n,
          new Decision.Allow("p", "r", "ok")), "extended"));
      events.add(SessionEvents.completed(info, id, "SELECT 1", 1, null));
    }
    events.add(SessionEvents.ended(info, "client terminated", 5, statements));
    return events;
  }

  /** Publishes on a fresh event-loop context, as a session's connection would; completes when all are sent. */
  Future<Void> publishFromOwnContext(List<SessionEvent> events) {
    return publishFromOwnContext(vertx, events);
  }

  /** Publishes on a fresh event-loop context of {@code vertx}; shared with the Kafka sink's tests. */
  static Future<Void> publishFromOwnContext(Vertx vertx, List<SessionEvent> events) {
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> sent = Promise.promise();
    EventPublisher publisher = new BusEventPublisher(vertx);
    ctx.runOnContext(v -> {
      events.forEach(publisher::publish);
      sent.complete();
    });
    return sent.future();
  }

  @Test
  void concurrentSessionsEndUpCompleteAndInOrderInTheJournal() throws Exception {
    Path dir = tmp.resolve("journal");
    EventPublisherVerticle publisherVerticle = EventPublisherVerticle.journal(dir);
    String deployment = await(vertx.deployVerticle(publisherVerticle));
    int sessions = 8;
    int statements = 100;
    Map<String, List<SessionEvent>> expected = new LinkedHashMap<>();
    List<Future<Void>> sends = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      List<SessionEvent> events = sessionEvents(s, statements);
      expected.put("s" + s, events);
      sends.add(publishFromOwnContext(events));
    }
    await(Future.all(sends));
    await(vertx.undeploy(deployment)); // drains into the journal and closes it

    List<SessionEvent> journal = JournalReader.read(dir, "portcullis.sessions");
    assertEquals(sessions * (2 * statements + 2), journal.size());
    Set<String> ids = new HashSet<>();
    journal.forEach(e -> ids.add(e.id()));
    assertEquals(journal.size(), ids.size(), "no event written twice");
    Map<String, List<SessionEvent>> bySession = new LinkedHashMap<>();
    for (SessionEvent e : journal) {
      bySession.computeIfAbsent(e.session().sessionId(), k -> new ArrayList<>()).add(e);
    }
    assertEquals(expected, bySession, "every session complete, in publishing order, equal after the JSON trip");
    assertEquals(new PublisherStats(journal.size(), 0, 0, 0, 0), publisherVerticle.stats());
  }

  /** Fails its first {@code failures} writes, then stores batches in memory. */
  static final class FlakySink implements EventSink {
    final List<SessionEvent> stored = Collections.synchronizedList(new ArrayList<>());
    int failures;
    boolean closed;

    FlakySink(int failures) {
      this.failures = failures;
    }

    @Override
    public synchronized Future<Void> write(List<SessionEvent> batch) {
      if (failures > 0) {
        failures--;
        return Future.failedFuture("broker unavailable");
      }
      stored.addAll(batch);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      closed = true;
      return Future.succeededFuture();
    }
  }

  @Test
  void aSinkThatFailsTwiceLosesNothing() throws Exception {
    FlakySink sink = new FlakySink(2);
    EventPublisherVerticle verticle = new EventPublisherVerticle(
        v -> Future.succeededFuture(sink), new PublisherSettings(1000, 50, 5, 20, 5000));
    String deployment = await(vertx.deployVerticle(verticle));
    List<SessionEvent> events = sessionEvents(1, 100);
    await(publishFromOwnContext(events));
    await(vertx.undeploy(deployment));
    assertEquals(events, sink.stored);
    assertEquals(2, verticle.stats().retries());
    assertEquals(events.size(), verticle.stats().written());
    assertTrue(sink.closed);
  }

  @Test
  void undeployGivesUpOnADeadSinkAfterTheDrainTimeoutAndReportsWhatIsLost() throws Exception {
    FlakySink sink = new FlakySink(Integer.MAX_VALUE);
    EventPublisherVerticle verticle = new EventPublisherVerticle(
        v -> Future.succeededFuture(sink), new PublisherSettings(1000, 50, 5, 20, 200));
    String deployment = await(vertx.deployVerticle(verticle));
    List<SessionEvent> events = sessionEvents(1, 10);
    await(publishFromOwnContext(events));
    await(vertx.undeploy(deployment));
    assertTrue(sink.stored.isEmpty());
    assertEquals(events.size(), verticle.stats().queued());
    assertTrue(verticle.stats().retries() > 0);
    assertTrue(sink.closed);
  }

  @Test
  void aJournalConfigWritesToItsDirectory() throws Exception {
    Path dir = tmp.resolve("cfg-journal");
    EventsConfig journal = new EventsConfig(EventsConfig.Sink.JOURNAL, dir, null);
    String deployment = await(vertx.deployVerticle(
        EventPublisherVerticle.forConfig(journal, EventPublisherVerticle.deliveryHealth(journal))));
    List<SessionEvent> events = sessionEvents(3, 2);
    await(publishFromOwnContext(events));
    await(vertx.undeploy(deployment));
    assertEquals(events, JournalReader.read(dir, "portcullis.sessions"));
  }

  /** Stores batches and completes {@link #reached} once it holds {@code expected} events. */
  static final class CountingSink implements EventSink {
    final List<SessionEvent> stored = Collections.synchronizedList(new ArrayList<>());
    final Promise<Void> reached = Promise.promise();
    final int expected;

    CountingSink(int expected) {
      this.expected = expected;
    }

    @Override
    public synchronized Future<Void> write(List<SessionEvent> batch) {
      stored.addAll(batch);
      if (stored.size() >= expected) {
        reached.tryComplete();
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  @Test
  void aStatementEventWithNoSessionEndAfterItStillReachesTheSink() throws Exception {
    CountingSink sink = new CountingSink(1);
    await(vertx.deployVerticle(new EventPublisherVerticle(v -> Future.succeededFuture(sink),
        PublisherSettings.defaults())));
    SessionEvent decided = sessionEvents(1, 1).get(1);
    assertEquals(EventType.STATEMENT_DECIDED, decided.type());
    await(publishFromOwnContext(List.of(decided)));
    await(sink.reached.future()); // sent by the per-loop linger timer: nothing else would flush it
    assertEquals(List.of(decided), sink.stored);
  }

  @Test
  void moreEventsInOneTickThanABatchHoldsArriveCompleteAndInOrder() throws Exception {
    List<SessionEvent> events = sessionEvents(1, BusEventPublisher.MAX_BATCH * 2);
    CountingSink sink = new CountingSink(events.size());
    await(vertx.deployVerticle(new EventPublisherVerticle(v -> Future.succeededFuture(sink),
        PublisherSettings.defaults())));
    await(publishFromOwnContext(events));
    await(sink.reached.future());
    assertEquals(events, sink.stored);
  }

  @Test
  void eventsPublishedOutsideAnyVertxContextAreSentOneByOne() throws Exception {
    List<SessionEvent> events = sessionEvents(1, 3).subList(1, 7); // statements only, no session end
    CountingSink sink = new CountingSink(events.size());
    await(vertx.deployVerticle(new EventPublisherVerticle(v -> Future.succeededFuture(sink),
        PublisherSettings.defaults())));
    EventPublisher publisher = new BusEventPublisher(vertx);
    events.forEach(publisher::publish); // the test thread: no context, so no linger timer to rely on
    await(sink.reached.future());
    assertEquals(events, sink.stored);
  }
}
