package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InteractionTest {
  static JsonObject payload(String user, String action, String value) {
    return new JsonObject().put("type", "block_actions").put("token", "legacy-verification-token")
        .put("user", new JsonObject().put("id", user).put("username", "someone"))
        .put("container", new JsonObject().put("type", "message").put("channel_id", "C0123")
            .put("message_ts", "1700000000.000100"))
        .put("channel", new JsonObject().put("id", "C0123"))
        .put("actions", new JsonArray().add(new JsonObject().put("action_id", action).put("value", value)
            .put("type", "button")));
  }

  static String form(JsonObject payload) {
    return "payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8);
  }

  @Test
  void readsTheClickOfABlockActionsPayload() {
    Interaction i = Interaction.parse(form(payload("U111", "approve", "a-1")));
    assertEquals(new Interaction("U111", "approve", "a-1", "C0123", "1700000000.000100"), i);
    assertTrue(i.approves());
  }

  @Test
  void fallsBackToChannelAndMessageWithoutAContainer() {
    JsonObject p = payload("U111", "deny", "a-1");
    p.remove("container");
    p.put("message", new JsonObject().put("ts", "1.2"));
    assertEquals(new Interaction("U111", "deny", "a-1", "C0123", "1.2"), Interaction.parse(form(p)));
  }

  @Test
  void refusesWhatIsNotAButtonClickWithAClearReason() {
    assertEquals("no payload field in the form body",
        assertThrows(IllegalArgumentException.class, () -> Interaction.parse("foo=bar")).getMessage());
    assertEquals("payload is not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> Interaction.parse("payload=%7Bnope")).getMessage());
    assertEquals("payload is not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> Interaction.parse("payload=%5B1%5D")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Interaction.parse("payload=%ZZ"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "a").put("type", "view_submission")))).getMessage().contains("unsupported"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "delete_all", "a")))).getMessage().contains("unknown action_id"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "")))).getMessage().contains("no value"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "a").put("user", new JsonObject())))).getMessage().contains("user.id"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "a").put("user", "U1")))).getMessage().contains("wrong type"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "a").put("actions", new JsonArray())))).getMessage().contains("no actions"));
    assertThrows(IllegalArgumentException.class, () -> Interaction.parse(
        form(payload("U1", "approve", "a")) + "&" + form(payload("U1", "deny", "a"))));
  }
}
