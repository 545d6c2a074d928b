package dev.portcullis.admin;

import java.util.Map;

/**
 * A request the admin API refuses, with the status and client-safe message to answer with. Handlers fail their
 * futures with it; anything else is a 500 whose detail is only logged.
 */
final class ErrorReply extends RuntimeException {
  private final int status;
  private final Map<String, String> headers;

  ErrorReply(int status, String message) {
    this(status, message, Map.of());
  }

  ErrorReply(int status, String message, Map<String, String> headers) {
    super(message, null, false, false); // expected outcomes: no stack trace to fill or log
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  AdminResponse response() {
    return AdminResponse.error(status, getMessage(), headers);
  }

  int status() {
    return status;
  }
}
