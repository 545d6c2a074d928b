package dev.portcullis.events;

import dev.portcullis.identity.Identity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of a {@link SessionEvent} (documented by {@code schemas/*.schema.json}): one line, the envelope
 * fields first, then the type's detail fields at top level.
 *
 * <p>The identity is published as {@code subject}, {@code groups}, {@code issuer}, {@code expiresAt}: an
 * {@link Identity} holds no token, so no token can reach an event through it.
 */
public final class EventJson {
  /** Envelope field names; a detail field may not use one (it would silently replace an envelope value). */
  public static final Set<String> ENVELOPE_FIELDS = Set.of(
      "id", "type", "time", "schemaVersion", "sessionId", "gatewayId", "identity", "target", "protocol");

  private EventJson() {}

  /**
   * {@code 2026-11-29T03:45:12.123456Z}: RFC 3339 in UTC with exactly six fraction digits, so that times sort as
   * text and keep microseconds; sub-microsecond digits are dropped.
   */
  public static String formatTime(Instant time) {
    StringBuilder out = new StringBuilder(27);
    EventJsonWriter.time(out, time);
    return out.toString();
  }

  /**
   * Checks what encoding needs: a session, no detail named like an envelope field, only JSON-friendly values
   * (String, Number, Boolean, null, List, Map with String keys). The publisher checks every event on arrival, so a
   * malformed event is refused once instead of failing a sink batch forever. Runs on the publisher's event loop
   * for every event, so it allocates nothing unless it fails.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public static void check(SessionEvent event) {
    if (event.id() == null || event.type() == null || event.time() == null || event.session() == null) {
      throw new IllegalArgumentException("event lacks id, type, time or session: " + event.type());
    }
    SessionInfo s = event.session();
    if (s.sessionId() == null || s.identity() == null) {
      throw new IllegalArgumentException(event.type() + ": session lacks sessionId or identity");
    }
    for (Map.Entry<String, Object> e : event.details().entrySet()) {
      if (ENVELOPE_FIELDS.contains(e.getKey())) {
        throw new IllegalArgumentException(
            event.type() + ": detail '" + e.getKey() + "' would override the envelope field");
      }
      String problem = problem(e.getValue());
      if (problem != null) {
        throw new IllegalArgumentException(event.type() + "." + e.getKey() + ": " + problem);
      }
    }
  }

  /** What makes {@code v} unencodable, or null when it is fine. */
  private static String problem(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Number) {
      return null;
    }
    if (v instanceof List<?> list) {
      for (Object item : list) {
        String problem = problem(item);
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          return "map key is not a string";
        }
        String problem = problem(e.getValue());
        if (problem != null) {
          return problem;
        }
      }
      return null;
    }
    return "not a JSON value: " + v.getClass().getName();
  }

  /**
   * One line of JSON, no trailing newline. Fails, naming the field, on what {@link #check} refuses (the writer
   * checks while it writes, so the event is walked once).
   */
  public static String encode(SessionEvent event) {
    StringBuilder out = new StringBuilder(512);
    EventJsonWriter.append(out, event);
    return out.toString();
  }

  /**
   * Appends the event's line (no newline) to {@code out}; on failure {@code out} is left as it was.
   *
   * @throws IllegalArgumentException as {@link #encode}
   */
  public static void encodeTo(StringBuilder out, SessionEvent event) {
    EventJsonWriter.append(out, event);
  }

  /**
   * The event as a {@link JsonObject} (field order as published; {@link #encode} writes the same JSON without
   * building it). Not on the hot path: for callers that want a tree.
   */
  public static JsonObject toJson(SessionEvent event) {
    SessionInfo s = event.session();
    Identity who = s.identity();
    JsonObject identity = new JsonObject()
        .put("subject", who.subject())
        .put("groups", new JsonArray(new ArrayList<Object>(who.groups())))
        .put("issuer", who.issuer())
        .put("expiresAt", formatTime(who.expiresAt()));
    JsonObject json = new JsonObject()
        .put("id", event.id())
        .put("type", event.type())
        .put("time", formatTime(event.time()))
        .put("schemaVersion", SessionEvent.SCHEMA_VERSION)
        .put("sessionId", s.sessionId())
        .put("gatewayId", s.gatewayId())
        .put("identity", identity)
        .put("target", s.target())
        .put("protocol", s.protocol());
    for (Map.Entry<String, Object> e : event.details().entrySet()) {
      if (json.containsKey(e.getKey())) {
        throw new IllegalArgumentException("detail '" + e.getKey() + "' would override the envelope field");
      }
      json.put(e.getKey(), e.getValue());
    }
    return json;
  }

  /**
   * Reads one event back (consumers, the CLI, tests). Integers come back as {@code Long} and fractions as
   * {@code Double}, the types {@link SessionEvents} uses, so that an encoded event decodes to an equal one.
   *
   * @throws IllegalArgumentException when the line is not a version-1 event
   */
  public static SessionEvent decode(String line) {
    JsonObject json;
    try {
      json = new JsonObject(line);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    Object version = json.getValue("schemaVersion");
    if (!(version instanceof Number n) || n.intValue() != SessionEvent.SCHEMA_VERSION) {
      throw new IllegalArgumentException("unsupported schemaVersion: " + version);
    }
    JsonObject who = json.getJsonObject("identity");
    if (who == null) {
      throw new IllegalArgumentException("event has no identity");
    }
    String expiresAt = who.getString("expiresAt");
    List<String> groups = new ArrayList<>();
    for (Object g : who.getJsonArray("groups", new JsonArray())) {
      groups.add((String) g);
    }
    Identity identity = new Identity(who.getString("subject"), groups, who.getString("issuer"),
        expiresAt == null ? Instant.EPOCH : Instant.parse(expiresAt));
    SessionInfo session = new SessionInfo(json.getString("sessionId"), json.getString("gatewayId"), identity,
        json.getString("target"), json.getString("protocol"));
    Map<String, Object> details = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      if (!ENVELOPE_FIELDS.contains(key)) {
        details.put(key, plain(json.getValue(key)));
      }
    }
    return new SessionEvent(json.getString("id"), json.getString("type"), Instant.parse(json.getString("time")),
        session, details);
  }

  private static Object plain(Object v) {
    if (v instanceof JsonObject o) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String key : o.fieldNames()) {
        m.put(key, plain(o.getValue(key)));
      }
      return m;
    }
    if (v instanceof JsonArray a) {
      List<Object> l = new ArrayList<>(a.size());
      for (Object item : a) {
        l.add(plain(item));
      }
      return l;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float || v instanceof BigDecimal) {
      return ((Number) v).doubleValue();
    }
    return v;
  }
}
