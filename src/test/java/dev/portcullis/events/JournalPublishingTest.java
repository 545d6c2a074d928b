package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events published on the bus end up complete and per-session ordered in the journal, even across sink failures. */
class JournalPublishingTest {
  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    Codecs.register(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static SessionInfo session(String id) {
    return new SessionInfo(id, "gw-test", new Identity("ci-bot", List.of("ai-agents"), "https://idp", Instant.now()),
        "orders", "postgres");
  }

  @Test
  void everyEventOfConcurrentSessionsIsJournaledInOrder() throws Exception {
    JournalSink sink = new JournalSink(dir, new TopicRouting(null));
    String deployment = await(vertx.deployVerticle(new EventPublisherVerticle(sink)));
    EventPublisher publisher = new BusEventPublisher(vertx.eventBus());
    int sessions = 8;
    int perSession = 500;
    // Publish from several event-loop contexts at once, as the termination verticles do.
    List<Future<Void>> done = new ArrayList<>();
    for (int s = 0; s < sessions; s++) {
      String id = "s" + s;
      done.add(vertx.getOrCreateContext().owner().executeBlocking(() -> null).compose(x -> {
        for (int i = 0; i < perSession; i++) {
          publisher.publish(SessionEvents.ended(session(id), "n=" + i, i, i));
        }
        return Future.succeededFuture();
      }));
    }
    await(Future.all(done));
    await(vertx.undeploy(deployment)); // flushes what is queued

    List<String> lines = Files.readAllLines(sink.fileFor("portcullis.sessions"));
    assertEquals(sessions * perSession, lines.size());
    int[] next = new int[sessions];
    for (String line : lines) {
      JsonObject json = new JsonObject(line);
      int s = Integer.parseInt(json.getString("sessionId").substring(1));
      assertEquals(next[s]++, json.getInteger("statements"), "per-session order");
    }
  }

  @Test
  void aFailingSinkIsRetriedWithoutLosingOrReorderingEvents() throws Exception {
    JournalSink journal = new JournalSink(dir, new TopicRouting(null));
    AtomicInteger failures = new AtomicInteger(2);
    EventSink flaky = new EventSink() {
      @Override
      public Future<Void> write(List<SessionEvent> batch) {
        return failures.getAndDecrement() > 0 ? Future.failedFuture("disk full") : journal.write(batch);
      }

      @Override
      public Future<Void> close() {
        return journal.close();
      }
    };
    String deployment = await(vertx.deployVerticle(new EventPublisherVerticle(flaky)));
    EventPublisher publisher = new BusEventPublisher(vertx.eventBus());
    for (int i = 0; i < 50; i++) {
      publisher.publish(SessionEvents.ended(session("s"), "n", i, i));
    }
    await(vertx.undeploy(deployment));
    List<String> lines = Files.readAllLines(journal.fileFor("portcullis.sessions"));
    assertEquals(50, lines.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(i, new JsonObject(lines.get(i)).getInteger("statements"));
    }
    assertTrue(failures.get() < 0, "the sink was failing at first");
  }

  @Test
  void journalAppendsAcrossRestarts() throws Exception {
    for (int run = 0; run < 2; run++) {
      JournalSink sink = new JournalSink(dir, new TopicRouting("acme."));
      await(sink.write(List.of(SessionEvents.ended(session("s"), "run " + run, 1, 1))));
      await(sink.close());
    }
    List<String> lines = Files.readAllLines(dir.resolve("acme.sessions.jsonl"));
    assertEquals(2, lines.size());
    assertEquals("run 1", new JsonObject(lines.get(1)).getString("reason"));
    assertFalse(Files.exists(dir.resolve("portcullis.sessions.jsonl")));
  }

  @Test
  void eventsRoundTripThroughJson() {
    SessionEvent event = SessionEvents.completed(session("s"), "s/1", "SELECT 2", 2L, 3, "42501", "denied");
    SessionEvent back = EventJson.fromJson(new JsonObject(EventJson.toLine(event)));
    assertEquals(event.id(), back.id());
    assertEquals(event.time(), back.time());
    assertEquals(Map.of("sqlState", "42501", "message", "denied"), back.details().get("error"));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
