package dev.portcullis.ssh.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An asciicast v2 file, parsed and checked line by line against the format: a header object with version 2 and
 * positive integer width and height (timestamp an integer, title and env as the format defines them, nothing
 * else), then events {@code [time, type, data]} with times non-negative and never decreasing, types o, i or r, and
 * r data {@code COLSxROWS}.
 */
public record CastFile(JsonObject header, List<Event> events) {
  public record Event(BigDecimal time, String type, String data) {}

  private static final Set<String> HEADER_KEYS =
      Set.of("version", "width", "height", "timestamp", "duration", "idle_time_limit", "command", "title", "env",
          "theme");

  public static CastFile parse(String text) {
    assertTrue(text.endsWith("\n"), "a cast ends with a newline");
    String[] lines = text.split("\n", -1);
    JsonObject header = new JsonObject(lines[0]);
    assertTrue(HEADER_KEYS.containsAll(header.fieldNames()), "unknown header keys: " + header);
    assertEquals(2, header.getValue("version"));
    for (String key : List.of("width", "height")) {
      assertTrue(header.getValue(key) instanceof Integer n && n > 0, key + " is a positive integer: " + header);
    }
    if (header.containsKey("timestamp")) {
      assertTrue(header.getValue("timestamp") instanceof Number n && n.longValue() > 0, header.encode());
      assertTrue(!(header.getValue("timestamp") instanceof Double), "timestamp is an integer");
    }
    if (header.containsKey("title")) {
      assertTrue(header.getValue("title") instanceof String, header.encode());
    }
    List<Event> events = new ArrayList<>();
    BigDecimal last = BigDecimal.ZERO;
    for (int i = 1; i < lines.length - 1; i++) {
      JsonArray a = new JsonArray(lines[i]);
      assertEquals(3, a.size(), lines[i]);
      if (!(a.getValue(0) instanceof Number t) || !(a.getValue(1) instanceof String type)
          || !(a.getValue(2) instanceof String data)) {
        fail("event is not [number, string, string]: " + lines[i]);
        return null;
      }
      BigDecimal time = new BigDecimal(t.toString());
      assertTrue(time.signum() >= 0, "negative time: " + lines[i]);
      assertTrue(time.compareTo(last) >= 0, "time goes back: " + lines[i]);
      last = time;
      assertTrue(Set.of("o", "i", "r").contains(type), "type: " + lines[i]);
      if (type.equals("r")) {
        assertTrue(data.matches("[1-9][0-9]*x[1-9][0-9]*"), "resize data: " + lines[i]);
      }
      events.add(new Event(time, type, data));
    }
    assertEquals("", lines[lines.length - 1]);
    return new CastFile(header, events);
  }

  /** The text of every output event, as a player writes it to the terminal. */
  public String output() {
    StringBuilder out = new StringBuilder();
    events.stream().filter(e -> e.type().equals("o")).forEach(e -> out.append(e.data()));
    return out.toString();
  }

  public String input() {
    StringBuilder out = new StringBuilder();
    events.stream().filter(e -> e.type().equals("i")).forEach(e -> out.append(e.data()));
    return out.toString();
  }
}
