package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.Decision;
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
    List<SessionEvent> events = statementMix(EVENTS);
    long bytes = 0;
    for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up; the last one is logged
      long start = System.nanoTime();
      bytes = 0;
      for (SessionEvent e : events) {
        bytes += EventJson.encode(e).getBytes(StandardCharsets.UTF_8).length;
      }
      long ns = System.nanoTime() - start;
      LOG.info("EventJson.encode + UTF-8, round {}: {} ns/event ({} events, {} bytes)",
          round, ns / events.size(), events.size(), bytes);
    }
    assertTrue(bytes > 0);
  }
}
