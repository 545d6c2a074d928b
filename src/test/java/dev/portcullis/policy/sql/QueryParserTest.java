package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The parse time limit counts from when the parse starts; waiting in the pool's queue is bounded separately. */
class QueryParserTest {
  private final ExecutorService single = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    single.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void aParseQueuedLongerThanTheLimitStillRuns() {
    CountDownLatch blocker = new CountDownLatch(1);
    single.submit(() -> {
      blocker.await();
      return null;
    });
    QueryParser parser = new QueryParser(single, 100);
    timer.schedule(blocker::countDown, 250, TimeUnit.MILLISECONDS); // longer than the limit, within 5× it
    QueryParser.Result r = parser.parse("SELECT a FROM t");
    assertNotNull(r.statement(), r.failure());
  }

  @Test
  void aParseThatNeverGetsAThreadIsRefusedAsOverload() {
    CountDownLatch blocker = new CountDownLatch(1);
    single.submit(() -> {
      blocker.await();
      return null;
    });
    try {
      QueryParser.Result r = new QueryParser(single, 50).parse("SELECT a FROM t");
      assertNull(r.statement());
      assertTrue(r.failure().contains("overloaded"), r.failure());
    } finally {
      blocker.countDown();
    }
  }

  @Test
  void nullOrUnparseableInputFailsClosed() {
    QueryParser parser = new QueryParser(single, 1000);
    assertNull(parser.parse("SELECT FROM WHERE (").statement());
    assertNull(parser.parse("").statement());
  }
}
