package dev.portcullis.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The body of {@code POST /approvals/{id}/approve|deny}: nothing, or {@code {"reason": "..."}}. Read strictly like
 * the config (an unknown field is an error, not ignored) because the reason reaches the agent's error message and
 * the chat: it is bounded and may not carry control characters other than newline and tab.
 */
record DecisionBody(String reason) {
  /** Long enough for a sentence or two of justification; a reason is not a document. */
  static final int MAX_REASON_CHARS = 1000;

  static DecisionBody parse(Buffer body) {
    if (body == null || body.length() == 0 || body.toString(java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return new DecisionBody(null);
    }
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ErrorReply(400, "the body must be a JSON object such as {\"reason\": \"...\"}");
    }
    for (String key : json.fieldNames()) {
      if (!key.equals("reason")) {
        throw new ErrorReply(400, "unknown field in the body (expected only 'reason')");
      }
    }
    Object value = json.getValue("reason");
    if (value == null) {
      return new DecisionBody(null);
    }
    if (!(value instanceof String reason)) {
      throw new ErrorReply(400, "'reason' must be a string");
    }
    if (reason.length() > MAX_REASON_CHARS) {
      throw new ErrorReply(400, "'reason' is longer than " + MAX_REASON_CHARS + " characters");
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\t') {
        throw new ErrorReply(400, "'reason' may not contain control characters");
      }
    }
    String trimmed = reason.strip();
    return new DecisionBody(trimmed.isEmpty() ? null : trimmed);
  }
}
