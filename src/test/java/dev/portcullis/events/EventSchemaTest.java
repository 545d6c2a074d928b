package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every event the factories make has exactly the fields its published JSON Schema names (required present, nothing
 * undeclared), so SOC tools that validate strictly keep working.
 */
class EventSchemaTest {
  private static final SessionInfo SESSION = new SessionInfo("sess-1", "gw-1",
      new Identity("ci-bot", List.of("ai-agents"), "https://idp.example", Instant.now()), "orders", "postgres");

  @Test
  void sessionStarted() {
    check(SessionEvents.started(SESSION, "127.0.0.1:5555", "psql", true, List.of("agents-read")));
  }

  @Test
  void sessionEnded() {
    check(SessionEvents.ended(SESSION, "client terminated", 12, 3));
  }

  @Test
  void statementDecided() {
    JudgedStatement st = new JudgedStatement("DELETE FROM orders WHERE id = 1", "delete from orders where id = ?",
        Set.of(StatementKind.DELETE), List.of("public.orders"), List.of(),
        new Decision.Review("agents-read", "writes-need-review", "writes need approval", List.of("db-owners")), null);
    JsonObject json = check(SessionEvents.decided(SESSION, "sess-1/1", st, "simple"));
    assertEquals("review", json.getString("decision"));
    assertEquals(List.of("delete"), json.getJsonArray("kinds").getList());
  }

  @Test
  void statementCompleted() {
    check(SessionEvents.completed(SESSION, "sess-1/1", "SELECT 2", 2L, 5, null, null));
    check(SessionEvents.completed(SESSION, "sess-1/2", null, null, 1, "42501", "denied"));
  }

  @Test
  void aDetailCannotShadowTheEnvelope() {
    SessionEvent bad = SessionEvent.of("session.ended", SESSION, java.util.Map.of("identity", "someone else"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> EventJson.toJson(bad));
  }

  private static JsonObject check(SessionEvent event) {
    JsonObject json = EventJson.toJson(event);
    JsonObject envelope = schema("envelope");
    JsonObject own = schema(event.type());
    Set<String> declared = new HashSet<>(envelope.getJsonObject("properties").fieldNames());
    declared.addAll(own.getJsonObject("properties").fieldNames());
    Set<String> required = new HashSet<>();
    envelope.getJsonArray("required").forEach(r -> required.add((String) r));
    own.getJsonArray("required").forEach(r -> required.add((String) r));

    assertTrue(json.fieldNames().containsAll(required), "missing " + diff(required, json.fieldNames()));
    assertTrue(declared.containsAll(json.fieldNames()), "undeclared " + diff(json.fieldNames(), declared));
    assertTrue(Pattern.matches(envelope.getJsonObject("properties").getJsonObject("time").getString("pattern"),
        json.getString("time")), json.getString("time"));
    assertEquals(own.getJsonObject("properties").getJsonObject("type").getString("const"), json.getString("type"));
    return json;
  }

  private static Set<String> diff(Set<String> a, Set<String> b) {
    Set<String> d = new HashSet<>(a);
    d.removeAll(b);
    return d;
  }

  private static JsonObject schema(String name) {
    try (InputStream in = EventSchemaTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (java.io.IOException | NullPointerException e) {
      throw new AssertionError("schema " + name + " not found", e);
    }
  }
}
