package dev.portcullis.approval.chat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One button click from an interactivity callback ({@code type: block_actions}), reduced to what the bot acts on.
 * The payload also holds a legacy verification token and the whole message; neither is kept, so neither is logged.
 *
 * @param action     {@code approve} or {@code deny}
 * @param channel    where the clicked message is (for the reply and the update), may be null
 * @param messageTs  the clicked message's ts, may be null
 */
public record Interaction(String userId, String action, String approvalId, String channel, String messageTs) {
  public static final String APPROVE = "approve";
  public static final String DENY = "deny";

  /**
   * Reads an {@code application/x-www-form-urlencoded} body holding {@code payload=<JSON>}.
   *
   * @throws IllegalArgumentException saying what is wrong, fit to answer with 400
   */
  public static Interaction parse(String formBody) {
    String payload = null;
    for (String pair : formBody.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if ("payload".equals(decode(name))) {
        if (payload != null) {
          throw new IllegalArgumentException("more than one payload field");
        }
        payload = eq < 0 ? "" : decode(pair.substring(eq + 1));
      }
    }
    if (payload == null) {
      throw new IllegalArgumentException("no payload field in the form body");
    }
    JsonObject json;
    try {
      json = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    try {
      return of(json);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("payload has a field of the wrong type");
    }
  }

  private static Interaction of(JsonObject json) {
    String type = json.getString("type");
    if (!"block_actions".equals(type)) {
      throw new IllegalArgumentException("unsupported interaction type '" + type + "' (only block_actions)");
    }
    JsonObject user = json.getJsonObject("user");
    String userId = user == null ? null : user.getString("id");
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("payload has no user.id");
    }
    JsonArray actions = json.getJsonArray("actions");
    if (actions == null || actions.isEmpty()) {
      throw new IllegalArgumentException("payload has no actions");
    }
    JsonObject first = actions.getJsonObject(0);
    String action = first.getString("action_id");
    if (!APPROVE.equals(action) && !DENY.equals(action)) {
      throw new IllegalArgumentException("unknown action_id '" + action + "' (expected approve or deny)");
    }
    String approvalId = first.getString("value");
    if (approvalId == null || approvalId.isBlank()) {
      throw new IllegalArgumentException("action has no value (the approval id)");
    }
    JsonObject container = json.getJsonObject("container", new JsonObject());
    JsonObject channelObject = json.getJsonObject("channel", new JsonObject());
    JsonObject message = json.getJsonObject("message", new JsonObject());
    String channel = container.getString("channel_id", channelObject.getString("id"));
    String ts = container.getString("message_ts", message.getString("ts"));
    return new Interaction(userId, action, approvalId, channel, ts);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("form body is not valid URL encoding");
    }
  }

  public boolean approves() {
    return APPROVE.equals(action);
  }
}
