package dev.portcullis.masking;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Masks one wire value so that it stays valid for its column's type in the format the client receives it.
 *
 * <p>Whole-value masking ({@link #mask}), by type ({@link PgTypes}) and format (0 text, 1 binary):
 * <ul>
 *   <li>text, varchar, char(n), name, unknown — text or binary: the UTF-8 of the strategy's output (the binary
 *       format of these types is the text itself). A char(n) value keeps its padding in the masked input, and
 *       the masked text need not have n characters: clients do not check that.
 *   <li>json — text or binary: a JSON string literal holding the strategy's output ({@code "****"}).
 *   <li>jsonb — text: a JSON string literal; binary: version byte 1 followed by that literal.
 *   <li>every other type (numbers, dates, uuid, bytea, arrays, composites, extension types…) — NULL, whatever the
 *       strategy: no format-preserving value of such a type can be guaranteed valid (a masked int8 is a valid
 *       int8 only as NULL), and a client must never receive bytes its decoder rejects or misreads.
 *   <li>the {@code null} strategy — NULL for every type.
 * </ul>
 *
 * <p>Content scrubbing ({@link #scrub}) replaces only what the classifiers find:
 * <ul>
 *   <li>text-like types, either format: each match is replaced by the strategy's masked text of the match; with
 *       the {@code null} strategy a match makes the whole value NULL.
 *   <li>json and jsonb, either format: a match inside one JSON string (not touching a quote or an escape) is
 *       replaced in place, so the document stays valid; any other match (a number, a key across quotes) makes
 *       the whole value NULL.
 *   <li>other types in text format: a match makes the whole value NULL (a masked array or composite literal
 *       could no longer parse).
 *   <li>other types in binary format: not scanned; their bytes are not text.
 * </ul>
 * Values are decoded as UTF-8 for scanning, with invalid sequences replaced; when nothing matches the original
 * bytes are returned unchanged (the same array), and when something matches the output is built from the decoded
 * text, so an invalid sequence in a scrubbed value arrives as U+FFFD.
 *
 * <p>A {@code null} value (SQL NULL) stays NULL and is never passed to a strategy.
 */
public final class ValueMasker {
  static final byte JSONB_VERSION = 1;

  private ValueMasker() {}

  /** The masked bytes of {@code value}, or {@code null} for SQL NULL. */
  public static byte[] mask(MaskStrategy strategy, int typeOid, short format, byte[] value) {
    PgTypes.Kind kind = PgTypes.kind(typeOid);
    if (value == null || kind == PgTypes.Kind.OTHER || strategy instanceof MaskStrategy.Nullify) {
      return null;
    }
    String text = text(kind, format, value);
    if (text == null) {
      return null;
    }
    String masked = strategy.maskText(text);
    if (masked == null) {
      return null;
    }
    return kind == PgTypes.Kind.TEXT ? utf8(masked) : encode(kind, format, jsonString(masked));
  }

  /** {@code value} with every classifier match masked; the same array when nothing matched. */
  public static byte[] scrub(ContentScanner scanner, MaskStrategy strategy, int typeOid, short format,
      byte[] value) {
    return scrub(scanner::find, strategy, typeOid, format, value);
  }

  /** {@link #scrub(ContentScanner, MaskStrategy, int, short, byte[])} with any finder, for tests. */
  static byte[] scrub(Function<CharSequence, List<TextSpan>> finder, MaskStrategy strategy, int typeOid,
      short format, byte[] value) {
    PgTypes.Kind kind = PgTypes.kind(typeOid);
    if (value == null || kind == PgTypes.Kind.OTHER && format != 0) {
      return value;
    }
    String text = text(kind, format, value);
    if (text == null) {
      return null;
    }
    List<TextSpan> spans = finder.apply(text);
    if (spans.isEmpty()) {
      return value;
    }
    if (kind == PgTypes.Kind.OTHER || strategy instanceof MaskStrategy.Nullify) {
      return null;
    }
    String scrubbed = kind == PgTypes.Kind.TEXT ? replace(text, spans, strategy) : replaceInJson(text, spans, strategy);
    return scrubbed == null ? null : encode(kind, format, scrubbed);
  }

  /** The value's text, or null when it is a jsonb binary value of a version this code does not know. */
  private static String text(PgTypes.Kind kind, short format, byte[] value) {
    if (kind == PgTypes.Kind.JSONB && format != 0) {
      if (value.length == 0 || value[0] != JSONB_VERSION) {
        return null;
      }
      return new String(value, 1, value.length - 1, StandardCharsets.UTF_8);
    }
    return new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] encode(PgTypes.Kind kind, short format, String text) {
    byte[] bytes = utf8(text);
    if (kind != PgTypes.Kind.JSONB || format == 0) {
      return bytes;
    }
    byte[] out = new byte[bytes.length + 1];
    out[0] = JSONB_VERSION;
    System.arraycopy(bytes, 0, out, 1, bytes.length);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String replace(String text, List<TextSpan> spans, MaskStrategy strategy) {
    StringBuilder out = new StringBuilder(text.length());
    int prev = 0;
    for (TextSpan span : spans) {
      out.append(text, prev, span.start()).append(strategy.maskText(text.substring(span.start(), span.end())));
      prev = span.end();
    }
    return out.append(text, prev, text.length()).toString();
  }

  /**
   * Replaces matches that lie inside one JSON string and contain no quote, backslash or control character, so
   * the masked text (letters, digits and separators of the match, or {@code ****}, or {@code h:…}) keeps the
   * document valid; {@code null} when any match lies elsewhere.
   */
  private static String replaceInJson(String json, List<TextSpan> spans, MaskStrategy strategy) {
    boolean inString = false;
    boolean escaped = false;
    int i = 0;
    for (TextSpan span : spans) {
      for (; i < span.start(); i++) {
        char c = json.charAt(i);
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = inString;
        } else if (c == '"') {
          inString = !inString;
        }
      }
      if (!inString || escaped) {
        return null;
      }
      for (int j = span.start(); j < span.end(); j++) {
        char c = json.charAt(j);
        if (c == '"' || c == '\\' || c < 0x20) {
          return null;
        }
      }
      i = span.end();
    }
    return replace(json, spans, strategy);
  }

  /** {@code s} as a JSON string literal. */
  static String jsonString(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
