package dev.portcullis.identity;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds the work an untrusted token can cause.
 *
 * @param maxTokenChars        longer tokens are refused before any parsing or crypto
 * @param jwksRefreshInterval  at most one JWKS fetch per interval, however many unknown-{@code kid} tokens arrive
 */
public record ValidatorLimits(int maxTokenChars, Duration jwksRefreshInterval) {
  /** 16 KiB: far above real access tokens (1–3 KB), far below what would make parsing costly. */
  public static final ValidatorLimits DEFAULTS = new ValidatorLimits(16 * 1024, Duration.ofSeconds(10));

  public ValidatorLimits {
    if (maxTokenChars <= 0) {
      throw new IllegalArgumentException("maxTokenChars must be positive");
    }
    Objects.requireNonNull(jwksRefreshInterval, "jwksRefreshInterval");
  }
}
