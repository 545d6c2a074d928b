package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hand-written writer against the JsonObject/Jackson encoding it replaces. */
class EventJsonWriterTest {
  static final List<String> TRICKY = List.of("", "plain", "say \"hi\"", "back\\slash", "C:\\dir\\\"x\"",
      "line1\nline2", "tab\there", "cr\r\nlf", "\u0000", "nul\u0000in", "\u001f", "\u0001\u0008\u000b\u000c\u007f",
      "/slash", "caf\u00e9 \u00fc\u00df", "\u65e5\u672c\u8a9e", "emoji \ud83d\ude00", "non-BMP \ud834\udd1e",
      "\u2028 and \u2029", "lone \ud800 high", "lone \udc00 low", "\ufeffbom", "'single' `back` <tag> &amp;",
      "SELECT 'it''s' FROM \"Weird\"\"Table\" WHERE x = E'\\n'");

  /**
   * What {@code EventJson.encode} returned before the writer: check, then Vert.x's Jackson codec on the tree.
   * Named explicitly because the tests' classpath has jackson-databind (from mock-oauth2-server), which makes
   * {@code JsonObject.encode()} pick the databind codec here while production, without databind, uses this one.
   */
  static String jacksonEncode(SessionEvent event) {
    EventJson.check(event);
    return new JacksonCodec().toString(EventJson.toJson(event), false);
  }

  static void assertSameJson(SessionEvent event) {
    String expected = jacksonEncode(event);
    String actual = EventJson.encode(event);
    assertEquals(new JsonObject(expected), new JsonObject(actual), expected);
    assertEquals(expected, actual); // and, as it happens, the very same text
  }

  static List<SessionEvent> trickyEvents(String s) {
    Identity who = new Identity(s, List.of(s, "readers"), s, Instant.parse("2026-11-29T04:00:00Z"));
    SessionInfo session = new SessionInfo(s, s, who, s, s);
    String stmt = SessionEvents.statementId(session, 1);
    return List.of(
        SessionEvents.started(session, s, s, true, List.of(s, s)),
        SessionEvents.ended(session, s, 1, 2),
        SessionEvents.decided(session, stmt, SessionEventsTest.judged(s, new Decision.Allow(s, s, s)), s),
        SessionEvents.decided(session, stmt, SessionEventsTest.judged(s, new Decision.Deny(null, null, s)), s, true),
        SessionEvents.completed(session, stmt, s, 7L, 3, new StatementError(s, s)));
  }

  @Test
  void everyFactoryEncodesAsJacksonDid() {
    for (SessionEvent event : SessionEventsTest.everyFactory()) {
      assertSameJson(event);
    }
  }

  @Test
  void trickyStringsInEveryFieldEncodeAsJacksonDid() {
    for (String s : TRICKY) {
      for (SessionEvent event : trickyEvents(s)) {
        assertSameJson(event);
      }
    }
    String all = String.join("|", TRICKY);
    trickyEvents(all).forEach(EventJsonWriterTest::assertSameJson);
    // every UTF-16 unit below 0x100, one string
    char[] low = new char[256];
    for (int i = 0; i < low.length; i++) {
      low[i] = (char) i;
    }
    trickyEvents(new String(low)).forEach(EventJsonWriterTest::assertSameJson);
  }

  @Test
  void controlCharactersAreEscapedAndNothingElseIs() {
    String line = EventJson.encode(SessionEvents.ended(SessionEventsTest.SESSION, "a\u0000b\u001fc\td\u2028e\u00e9", 1, 1));
    assertTrue(line.contains("\"reason\":\"a\\u0000b\\u001Fc\\td\u2028e\u00e9\""), line);
    assertTrue(line.chars().noneMatch(c -> c < 0x20), line);
  }

  @Test
  void everyValueTypeEncodesAsJacksonDid() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("k \"q\"", List.of(1L, "two", false));
    nested.put("empty", Map.of());
    nested.put("none", null);
    List<Object> withNull = new ArrayList<>(Arrays.asList("a", null, List.of()));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("int", 42);
    d.put("long", Long.MIN_VALUE);
    d.put("short", (short) -7);
    d.put("byte", (byte) 5);
    d.put("double", 3.25);
    d.put("bigDouble", 1.0e20);
    d.put("tinyDouble", -4.9e-324);
    d.put("float", 0.1f);
    d.put("nan", Double.NaN);
    d.put("inf", Double.NEGATIVE_INFINITY);
    d.put("floatInf", Float.POSITIVE_INFINITY);
    d.put("bigInteger", new BigInteger("123456789012345678901234567890"));
    d.put("bigDecimal", new BigDecimal("1234.5678901234567890123"));
    d.put("atomic", new AtomicLong(9));
    d.put("yes", true);
    d.put("no", Boolean.FALSE);
    d.put("null", null);
    d.put("list", withNull);
    d.put("map", nested);
    d.put("deep", List.of(Map.of("x", List.of(Map.of("y", "\n")))));
    assertSameJson(SessionEvent.of("custom.type", SessionEventsTest.SESSION, d));
  }

  @Test
  void timesMatchTheFormatterEverywhere() {
    DateTimeFormatter reference =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    List<Instant> edges = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999),
        Instant.parse("2000-02-29T23:59:59.999999Z"), Instant.parse("1900-02-28T12:00:00Z"),
        Instant.parse("2100-03-01T00:00:00Z"), Instant.parse("0000-01-01T00:00:00Z"),
        Instant.parse("-0001-12-31T23:59:59.5Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-9999-01-01T00:00:00Z"),
        Instant.ofEpochSecond(0, 999)));
    Random random = new Random(20261129);
    for (int i = 0; i < 200_000; i++) {
      long range = i % 2 == 0 ? 4_102_444_800L : 400_000_000_000L; // up to 2100, then ±12,000 years
      edges.add(Instant.ofEpochSecond(random.nextLong() % range, random.nextInt(1_000_000_000)));
    }
    for (Instant t : edges) {
      assertEquals(reference.format(t), EventJson.formatTime(t), t::toString);
    }
  }

  @Test
  void unencodableEventsFailNamingTheFieldAndLeaveTheBuilderAsItWas() {
    record Case(Map<String, Object> details, String mention) {}
    List<Case> cases = List.of(
        new Case(Map.of("reason", new Object()), "reason"),
        new Case(Map.of("reason", List.of("ok", Instant.EPOCH)), "reason"),
        new Case(Map.of("error", Map.of(1, "x")), "error"),
        new Case(Map.of("statementId", "x", "sessionId", "forged"), "sessionId"));
    for (Case c : cases) {
      SessionEvent e = SessionEvent.of(EventType.SESSION_ENDED, SessionEventsTest.SESSION, c.details());
      StringBuilder out = new StringBuilder("earlier line\n");
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> EventJson.encodeTo(out, e));
      assertTrue(ex.getMessage().contains(c.mention()), ex.getMessage());
      assertEquals("earlier line\n", out.toString());
      IllegalArgumentException checked = assertThrows(IllegalArgumentException.class, () -> EventJson.check(e));
      assertTrue(checked.getMessage().contains(c.mention()), checked.getMessage());
    }
    SessionEvent noSession = new SessionEvent("x", EventType.SESSION_ENDED, Instant.EPOCH, null, Map.of());
    assertThrows(IllegalArgumentException.class, () -> EventJson.encode(noSession));
    assertThrows(IllegalArgumentException.class, () -> EventJson.check(noSession));
  }
}
