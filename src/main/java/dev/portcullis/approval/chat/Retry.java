package dev.portcullis.approval.chat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a chat call again with doubling waits (or what {@code Retry-After} asks) until it succeeds, the deadline
 * passes or the bot stops. Waits are Vert.x timers: nothing blocks the event loop.
 */
final class Retry {
  private static final Logger log = LoggerFactory.getLogger(Retry.class);

  private final Vertx vertx;
  private final Clock clock;
  private final Duration first;
  private final Duration max;
  private final BooleanSupplier stopping;

  Retry(Vertx vertx, Clock clock, Duration first, Duration max, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.clock = clock;
    this.first = first;
    this.max = max;
    this.stopping = stopping;
  }

  /**
   * @param permanentToo also retry errors that look permanent (a wrong channel, a revoked token): for posting
   *                     requests, which must not be lost while an operator fixes the app; they are logged at ERROR
   */
  <T> Future<T> until(Instant deadline, String what, boolean permanentToo, Supplier<Future<T>> attempt) {
    Promise<T> result = Promise.promise();
    attempt(deadline, what, permanentToo, attempt, first, 1, result);
    return result.future();
  }

  private <T> void attempt(Instant deadline, String what, boolean permanentToo, Supplier<Future<T>> attempt,
      Duration wait, int n, Promise<T> result) {
    attempt.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
        return;
      }
      Throwable e = ar.cause();
      boolean transientError = e instanceof ChatApiException c && c.transientError();
      Duration asked = e instanceof ChatApiException c ? c.retryAfter() : null;
      Duration next = asked != null ? asked : wait;
      Instant now = clock.instant();
      if (stopping.getAsBoolean() || (!transientError && !permanentToo) || now.plus(next).isAfter(deadline)) {
        result.fail(e);
        return;
      }
      if (transientError) {
        log.warn("{} failed (attempt {}): {}; retrying in {} ms", what, n, e.getMessage(), next.toMillis());
      } else {
        log.error("{} failed (attempt {}): {}; check the chat app's token, scopes and channel; retrying in {} ms",
            what, n, e.getMessage(), next.toMillis());
      }
      Duration doubled = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
      vertx.timer(Math.max(1, next.toMillis())).onComplete(t ->
          attempt(deadline, what, permanentToo, attempt, doubled, n + 1, result));
    });
  }
}
