package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.Decision;
import io.vertx.core.json.jackson.JacksonCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not a benchmark (no JMH, no timed assertion): logs what encoding one event to journal bytes costs, for the
 * mix the statement path produces (one statement.decided and one statement.completed per statement).
 */
class EventJsonCostTest {
  private static final Logger LOG = LoggerFactory.getLogger(EventJsonCostTest.class);
  private static final int EVENTS = 200_000;

  static List<SessionEvent> statementMix(int n) {
    List<SessionEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n / 2; i++) {
      String id = SessionEvents.statementId(SessionEventsTest.SESSION, i);
      events.add(SessionEvents.decided(SessionEventsTest.SESSION, id, SessionEventsTest.judged(
          "SELECT abalance FROM pgbench_accounts WHERE aid = " + i, new Decision.Allow("p", "read", "ok")),
          "extended"));
      events.add(SessionEvents.completed(SessionEventsTest.SESSION, id, "SELECT 1", i % 7, null));
    }
    return events;
  }

  @Test
  void logsTheCostOfEncodingAnEvent() {
    // A small set encoded over and over: the journal sees batches of at most 500, and a 200k-event live set
    // would measure the garbage collector instead of the encoder.
    List<SessionEvent> distinct = statementMix(2_000);
    List<SessionEvent> events = new ArrayList<>(EVENTS);
    while (events.size() < EVENTS) {
      events.addAll(distinct);
    }
    JacksonCodec jackson = new JacksonCodec();
    StringBuilder lines = new StringBuilder(1 << 20);
    long total = 0;
    for (int round = 0; round < 4; round++) { // the first rounds warm the JIT up
      long start = System.nanoTime();
      long before = 0;
      for (SessionEvent e : events) {
        // the old encode: check, then the JsonObject tree through Vert.x's Jackson codec (this understates the
        // old cost a little: toJson and check now share the writer's time format and allocation-free check)
        EventJson.check(e);
        before += jackson.toString(EventJson.toJson(e), false).getBytes(StandardCharsets.UTF_8).length;
      }
      long mid = System.nanoTime();
      long after = 0;
      for (int i = 0; i < events.size(); i++) {
        EventJson.encodeTo(lines, events.get(i)); // what the journal does now, flushing every 500 events
        lines.append('\n');
        if (i % 500 == 499 || i == events.size() - 1) {
          after += lines.toString().getBytes(StandardCharsets.UTF_8).length;
          lines.setLength(0);
        }
      }
      long end = System.nanoTime();
      LOG.info("round {}: JsonObject tree + Jackson {} ns/event, writer {} ns/event ({} events, {} / {} bytes)", round,
          (mid - start) / events.size(), (end - mid) / events.size(), events.size(), before, after);
      total += before + after;
    }
    assertTrue(total > 0);
  }
}
