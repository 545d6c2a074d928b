package dev.portcullis.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** What the admin listener answers: status, content type, body and extra headers. */
record AdminResponse(int status, String contentType, String body, Map<String, String> headers) {
  static final String JSON = "application/json; charset=utf-8";

  AdminResponse {
    headers = Map.copyOf(headers);
  }

  static AdminResponse json(int status, JsonObject body) {
    return new AdminResponse(status, JSON, body.encode(), Map.of());
  }

  static AdminResponse json(int status, JsonArray body) {
    return new AdminResponse(status, JSON, body.encode(), Map.of());
  }

  static AdminResponse text(int status, String contentType, String body) {
    return new AdminResponse(status, contentType, body, Map.of());
  }

  /** The error body every refusal has: {@code {"error": "..."}}. */
  static AdminResponse error(int status, String message, Map<String, String> headers) {
    return new AdminResponse(status, JSON, new JsonObject().put("error", message).encode(), headers);
  }
}
