package dev.portcullis.approval.chat;

import java.time.Duration;

/**
 * A Web API call that did not succeed: an HTTP error, a network error, or {@code {"ok":false,"error":…}}.
 *
 * @param retryAfter what the server asked to wait ({@code Retry-After}), or {@code null}
 */
public final class ChatApiException extends RuntimeException {
  private final boolean transientError;
  private final Duration retryAfter;

  public ChatApiException(String message, boolean transientError, Duration retryAfter, Throwable cause) {
    super(message, cause, false, false);
    this.transientError = transientError;
    this.retryAfter = retryAfter;
  }

  /** Rate limits, 5xx and network errors: the same call may well succeed later. */
  public boolean transientError() {
    return transientError;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
