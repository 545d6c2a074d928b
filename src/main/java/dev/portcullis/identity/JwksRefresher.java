package dev.portcullis.identity;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refetches the issuer's JWKS when a token names a key we do not know, at most once per interval.
 *
 * <p>Anyone can mint a token with a random {@code kid}; without a limit every such token would make the gateway
 * call the identity provider. Concurrent callers share one in-flight fetch; calls within the interval after a
 * fetch started get {@code false} (no fetch) and their token is refused as signed by an unknown key. Thread-safe:
 * validators are called from several event loops.
 */
final class JwksRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(JwksRefresher.class);

  private final Supplier<Future<Void>> fetch;
  private final long minIntervalNanos;
  private final LongSupplier nanoClock;

  private Future<Boolean> inFlight;
  private boolean fetchedBefore;
  private long lastStartNanos;
  private long fetches;

  JwksRefresher(Supplier<Future<Void>> fetch, Duration minInterval, LongSupplier nanoClock) {
    this.fetch = Objects.requireNonNull(fetch, "fetch");
    this.minIntervalNanos = minInterval.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * @return a future that completes (never fails) with true once a fetch this call started or joined succeeded,
   *     false when the rate limit refused a fetch or the fetch failed
   */
  Future<Boolean> refresh() {
    Future<Void> started;
    synchronized (this) {
      if (inFlight != null) {
        return inFlight;
      }
      long now = nanoClock.getAsLong();
      if (fetchedBefore && now - lastStartNanos < minIntervalNanos) {
        return Future.succeededFuture(false);
      }
      fetchedBefore = true;
      lastStartNanos = now;
      fetches++;
      try {
        started = fetch.get();
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      Future<Boolean> result = started
          .map(v -> true)
          .otherwise(err -> {
            LOG.warn("JWKS refresh failed: {}", err.toString());
            return false;
          })
          .andThen(ar -> clearInFlight());
      // A synchronously completed fetch has already run clearInFlight(); keep nothing stale.
      if (!result.isComplete()) {
        inFlight = result;
      }
      return result;
    }
  }

  private synchronized void clearInFlight() {
    inFlight = null;
  }

  /** How many fetches were started (for metrics and tests). */
  synchronized long fetches() {
    return fetches;
  }
}
