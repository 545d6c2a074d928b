package dev.portcullis.events;

import dev.portcullis.identity.Identity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link SessionEvent}: the envelope fields of design-notes §4 followed by the type's own fields
 * at top level (schemas under {@code src/main/resources/schemas/}). One event is one line in the journal and one
 * record value on Kafka.
 */
public final class EventJson {
  /** Fields every event has; a detail of the same name would be ambiguous, so it is refused. */
  static final Set<String> ENVELOPE = Set.of(
      "id", "type", "time", "schemaVersion", "sessionId", "gatewayId", "identity", "target", "protocol");

  /** RFC 3339 in UTC with exactly six fraction digits, so consumers can sort the text. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private EventJson() {}

  public static JsonObject toJson(SessionEvent event) {
    SessionInfo s = event.session();
    Identity who = s.identity();
    JsonObject json = new JsonObject()
        .put("id", event.id())
        .put("type", event.type())
        .put("time", TIME.format(event.time()))
        .put("schemaVersion", SessionEvent.SCHEMA_VERSION)
        .put("sessionId", s.sessionId())
        .put("gatewayId", s.gatewayId())
        .put("identity", who == null ? null : new JsonObject()
            .put("subject", who.subject())
            .put("groups", new JsonArray(List.copyOf(who.groups())))
            .put("issuer", who.issuer()))
        .put("target", s.target())
        .put("protocol", s.protocol());
    for (Map.Entry<String, Object> detail : event.details().entrySet()) {
      if (ENVELOPE.contains(detail.getKey())) {
        throw new IllegalArgumentException("event detail '" + detail.getKey() + "' would shadow an envelope field");
      }
      json.put(detail.getKey(), toJsonValue(detail.getValue()));
    }
    return json;
  }

  public static String toLine(SessionEvent event) {
    return toJson(event).encode();
  }

  /** Reads an event back (consumers, tests). Identity expiry is not published, so it reads as the event time. */
  public static SessionEvent fromJson(JsonObject json) {
    Instant time = Instant.parse(json.getString("time"));
    JsonObject who = json.getJsonObject("identity");
    Identity identity = who == null ? null : new Identity(who.getString("subject"),
        who.getJsonArray("groups", new JsonArray()).stream().map(String::valueOf).toList(),
        who.getString("issuer"), time);
    SessionInfo session = new SessionInfo(json.getString("sessionId"), json.getString("gatewayId"), identity,
        json.getString("target"), json.getString("protocol"));
    Map<String, Object> details = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      if (!ENVELOPE.contains(key)) {
        Object value = json.getValue(key);
        details.put(key, value instanceof JsonObject o ? o.getMap()
            : value instanceof JsonArray a ? a.getList() : value);
      }
    }
    return new SessionEvent(json.getString("id"), json.getString("type"), time, session, details);
  }

  private static Object toJsonValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      map.forEach((k, v) -> o.put(String.valueOf(k), toJsonValue(v)));
      return o;
    }
    if (value instanceof Iterable<?> list) {
      JsonArray a = new JsonArray();
      list.forEach(v -> a.add(toJsonValue(v)));
      return a;
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(java.util.Locale.ROOT);
    }
    return value;
  }
}
