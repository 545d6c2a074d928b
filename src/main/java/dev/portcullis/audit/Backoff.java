package dev.portcullis.audit;

import java.time.Duration;

/** Doubling waits from 500 ms up to a ceiling. */
final class Backoff {
  private final Duration max;
  private Duration current = Duration.ZERO;

  Backoff(Duration max) {
    this.max = max;
  }

  Duration next() {
    current = current.isZero() ? Duration.ofMillis(500) : current.multipliedBy(2);
    if (current.compareTo(max) > 0) {
      current = max;
    }
    return current;
  }

  void reset() {
    current = Duration.ZERO;
  }
}
