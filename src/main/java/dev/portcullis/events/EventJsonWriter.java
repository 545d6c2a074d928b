package dev.portcullis.events;

import dev.portcullis.identity.Identity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON line of a {@link SessionEvent} straight into a {@link StringBuilder}: the journal's hot path,
 * run for every event, so it builds no intermediate tree and allocates nothing but what the builder grows.
 *
 * <p>The output is the text Vert.x's Jackson codec produced for {@link EventJson#toJson} (same field order,
 * escapes, number forms; {@code EventJsonWriterTest} holds the two side by side), so existing consumers and
 * journals see no difference. Value types are checked while writing: an unsupported value, a non-string map
 * key or a detail named like an envelope field fails with {@link IllegalArgumentException}, and the builder is
 * left as it was, so a caller batching lines never keeps half an event.
 */
final class EventJsonWriter {
  /** For years outside 0000–9999, which the arithmetic fast path does not handle. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  private static final long MIN_FAST_SECOND = -62167219200L; // 0000-01-01T00:00:00Z
  private static final long MAX_FAST_SECOND = 253402300799L; // 9999-12-31T23:59:59Z

  /** The text of one epoch second up to its fraction, {@code 2026-11-29T03:45:12.}. */
  private record SecondText(long second, String text) {}

  private static volatile SecondText latest = new SecondText(Long.MIN_VALUE, "");
  private static volatile SecondText other = new SecondText(Long.MIN_VALUE, "");

  private EventJsonWriter() {}

  /** Appends the event's JSON (no newline); on failure {@code out} is truncated back to its previous length. */
  static void append(StringBuilder out, SessionEvent event) {
    int mark = out.length();
    try {
      write(out, event);
    } catch (RuntimeException e) {
      out.setLength(mark);
      throw e;
    }
  }

  private static void write(StringBuilder out, SessionEvent event) {
    if (event.id() == null || event.type() == null || event.time() == null || event.session() == null) {
      throw new IllegalArgumentException("event lacks id, type, time or session: " + event.type());
    }
    SessionInfo s = event.session();
    Identity who = s.identity();
    if (s.sessionId() == null || who == null) {
      throw new IllegalArgumentException(event.type() + ": session lacks sessionId or identity");
    }
    out.append("{\"id\":");
    string(out, event.id());
    out.append(",\"type\":");
    string(out, event.type());
    out.append(",\"time\":\"");
    time(out, event.time());
    out.append("\",\"schemaVersion\":").append(SessionEvent.SCHEMA_VERSION);
    out.append(",\"sessionId\":");
    string(out, s.sessionId());
    out.append(",\"gatewayId\":");
    nullableString(out, s.gatewayId());
    out.append(",\"identity\":{\"subject\":");
    nullableString(out, who.subject());
    out.append(",\"groups\":[");
    List<String> groups = who.groups();
    for (int i = 0; i < groups.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      nullableString(out, groups.get(i));
    }
    out.append("],\"issuer\":");
    nullableString(out, who.issuer());
    out.append(",\"expiresAt\":\"");
    time(out, who.expiresAt());
    out.append("\"},\"target\":");
    nullableString(out, s.target());
    out.append(",\"protocol\":");
    nullableString(out, s.protocol());
    for (Map.Entry<String, Object> e : event.details().entrySet()) {
      String key = e.getKey();
      if (EventJson.ENVELOPE_FIELDS.contains(key)) {
        throw new IllegalArgumentException(
            event.type() + ": detail '" + key + "' would override the envelope field");
      }
      out.append(',');
      string(out, key);
      out.append(':');
      value(out, e.getValue(), event, key);
    }
    out.append('}');
  }

  /** {@code event} and {@code field} only name the culprit in an error; nothing is built unless one occurs. */
  private static void value(StringBuilder out, Object v, SessionEvent event, String field) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String str) {
      string(out, str);
    } else if (v instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (v instanceof Number n) {
      number(out, n);
    } else if (v instanceof List<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        value(out, item, event, field);
      }
      out.append(']');
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(event.type() + "." + field + ": map key is not a string");
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, key);
        out.append(':');
        value(out, e.getValue(), event, field);
      }
      out.append('}');
    } else {
      throw new IllegalArgumentException(
          event.type() + "." + field + ": not a JSON value: " + v.getClass().getName());
    }
  }

  /** The forms Jackson writes for the Number types Vert.x distinguishes (non-finite doubles as strings). */
  private static void number(StringBuilder out, Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      out.append(n.longValue());
    } else if (n instanceof Float f) {
      if (Float.isFinite(f)) {
        out.append(f.floatValue());
      } else {
        out.append('"').append(f.floatValue()).append('"');
      }
    } else if (n instanceof BigInteger || n instanceof BigDecimal) {
      out.append(n);
    } else {
      double d = n.doubleValue(); // Double, and any other Number, as Vert.x's codec does
      if (Double.isFinite(d)) {
        out.append(d);
      } else {
        out.append('"').append(d).append('"');
      }
    }
  }

  private static void nullableString(StringBuilder out, String s) {
    if (s == null) {
      out.append("null");
    } else {
      string(out, s);
    }
  }

  /**
   * RFC 8259 string: escapes {@code "}, {@code \}, and the control characters below U+0020 (the short forms
   * where JSON has one, else a backslash-u escape with four upper-case hex digits); everything else, non-ASCII
   * included, is kept as is.
   */
  static void string(StringBuilder out, String s) {
    out.append('"');
    int len = s.length();
    int i = 0;
    while (i < len && !needsEscape(s.charAt(i))) {
      i++;
    }
    if (i == len) {
      out.append(s); // the usual case: one bulk copy
    } else {
      int start = 0;
      for (; i < len; i++) {
        char c = s.charAt(i);
        if (needsEscape(c)) {
          out.append(s, start, i);
          escape(out, c);
          start = i + 1;
        }
      }
      out.append(s, start, len);
    }
    out.append('"');
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || c == '"' || c == '\\';
  }

  private static void escape(StringBuilder out, char c) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '\b' -> out.append("\\b");
      case '\t' -> out.append("\\t");
      case '\n' -> out.append("\\n");
      case '\f' -> out.append("\\f");
      case '\r' -> out.append("\\r");
      default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
    }
  }

  /**
   * RFC 3339 UTC with six fraction digits ({@code 2026-11-29T03:45:12.123456Z}), computed with integer
   * arithmetic (days-to-civil) instead of a DateTimeFormatter, which showed up in the journal's profile.
   */
  static void time(StringBuilder out, Instant t) {
    long second = t.getEpochSecond();
    if (second < MIN_FAST_SECOND || second > MAX_FAST_SECOND) {
      TIME.formatTo(t, out);
      return;
    }
    // Event times advance a second at a time and a session's expiresAt stays put: two one-entry caches of the
    // text up to the fraction spare the date arithmetic for most times. Entries are immutable records, so
    // threads racing on a slot only ever read a whole, correct entry (at worst they recompute).
    SecondText cached = latest;
    if (cached.second != second) {
      cached = other;
      if (cached.second != second) {
        cached = new SecondText(second, untilFraction(second));
        if (second > latest.second) {
          latest = cached;
        } else {
          other = cached;
        }
      }
    }
    out.append(cached.text);
    digits(out, t.getNano() / 1000, 6);
    out.append('Z');
  }

  /** {@code 2026-11-29T03:45:12.} for a second between years 0000 and 9999. */
  private static String untilFraction(long second) {
    StringBuilder out = new StringBuilder(20);
    long days = Math.floorDiv(second, 86_400L);
    int secondOfDay = (int) Math.floorMod(second, 86_400L);
    // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that start on March 1st.
    long z = days + 719_468L;
    long era = Math.floorDiv(z, 146_097L);
    int dayOfEra = (int) (z - era * 146_097L);
    int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    int mp = (5 * dayOfYear + 2) / 153;
    int day = dayOfYear - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    digits(out, year, 4);
    out.append('-');
    digits(out, month, 2);
    out.append('-');
    digits(out, day, 2);
    out.append('T');
    digits(out, secondOfDay / 3600, 2);
    out.append(':');
    digits(out, secondOfDay / 60 % 60, 2);
    out.append(':');
    digits(out, secondOfDay % 60, 2);
    out.append('.');
    return out.toString();
  }

  /** {@code value} (non-negative, at most {@code width} digits) zero-padded to {@code width} digits. */
  private static void digits(StringBuilder out, int value, int width) {
    int end = out.length() + width;
    out.setLength(end);
    for (int i = end - 1; i >= end - width; i--) {
      out.setCharAt(i, (char) ('0' + value % 10));
      value /= 10;
    }
  }
}
