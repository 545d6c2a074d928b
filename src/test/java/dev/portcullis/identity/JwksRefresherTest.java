package dev.portcullis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rate limit and sharing of JWKS refreshes, with a fake clock and hand-completed fetches (no Vert.x instance). */
class JwksRefresherTest {
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final List<Promise<Void>> fetches = new ArrayList<>();
  final JwksRefresher refresher = new JwksRefresher(() -> {
    Promise<Void> p = Promise.promise();
    fetches.add(p);
    return p.future();
  }, Duration.ofSeconds(10), nanos::get);

  @Test
  void concurrentCallersShareOneFetch() {
    Future<Boolean> first = refresher.refresh();
    Future<Boolean> second = refresher.refresh();
    assertSame(first, second);
    assertEquals(1, fetches.size());
    assertFalse(first.isComplete());
    fetches.get(0).complete();
    assertTrue(first.result());
    assertTrue(second.result());
  }

  @Test
  void atMostOneFetchPerInterval() {
    refresher.refresh();
    fetches.get(0).complete();
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());
    Future<Boolean> limited = refresher.refresh();
    assertFalse(limited.result(), "within the interval: no fetch");
    assertEquals(1, fetches.size());

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    Future<Boolean> again = refresher.refresh();
    assertEquals(2, fetches.size(), "interval over: fetch again");
    fetches.get(1).complete();
    assertTrue(again.result());
    assertEquals(2, refresher.fetches());
  }

  @Test
  void failedFetchCountsAgainstTheLimitAndNeverFails() {
    Future<Boolean> failed = refresher.refresh();
    fetches.get(0).fail("issuer down");
    assertTrue(failed.succeeded());
    assertFalse(failed.result());
    assertFalse(refresher.refresh().result(), "a failing issuer is not hammered");
    assertEquals(1, fetches.size());
  }

  @Test
  void fetchThatThrowsIsAFailedRefresh() {
    JwksRefresher throwing = new JwksRefresher(() -> {
      throw new IllegalStateException("boom");
    }, Duration.ofSeconds(10), nanos::get);
    assertFalse(throwing.refresh().result());
  }
}
