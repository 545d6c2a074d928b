package dev.portcullis.policy.sql;

/** Decodes the escapes of a {@code U&"…"} identifier the way PostgreSQL does ({@code \XXXX}, {@code \+XXXXXX}). */
final class UnicodeEscapes {
  private UnicodeEscapes() {}

  /** PostgreSQL refuses hex digits, {@code +}, quotes and whitespace as the UESCAPE character. */
  static boolean isValidEscapeChar(char c) {
    return Character.digit(c, 16) < 0 && c != '+' && c != '\'' && c != '"'
        && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f';
  }

  static String decode(String body, int escape) {
    if (body.indexOf(escape) < 0) {
      return body;
    }
    StringBuilder out = new StringBuilder(body.length());
    int highSurrogate = -1;
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c != escape) {
        requireNoPendingSurrogate(highSurrogate);
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 < body.length() && body.charAt(i + 1) == escape) {
        requireNoPendingSurrogate(highSurrogate);
        out.append(c);
        i += 2;
        continue;
      }
      int digits = i + 1 < body.length() && body.charAt(i + 1) == '+' ? 6 : 4;
      int from = i + (digits == 6 ? 2 : 1);
      int cp = hex(body, from, digits);
      i = from + digits;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        requireNoPendingSurrogate(highSurrogate);
        highSurrogate = cp;
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        if (highSurrogate < 0) {
          throw invalid();
        }
        out.append((char) highSurrogate).append((char) cp);
        highSurrogate = -1;
      } else {
        requireNoPendingSurrogate(highSurrogate);
        if (cp == 0 || cp > 0x10FFFF) {
          throw invalid();
        }
        out.appendCodePoint(cp);
      }
    }
    requireNoPendingSurrogate(highSurrogate);
    return out.toString();
  }

  private static int hex(String body, int from, int digits) {
    if (from + digits > body.length()) {
      throw invalid();
    }
    int v = 0;
    for (int k = from; k < from + digits; k++) {
      int d = Character.digit(body.charAt(k), 16);
      if (d < 0 || body.charAt(k) > 0x7f) {
        throw invalid();
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static void requireNoPendingSurrogate(int highSurrogate) {
    if (highSurrogate >= 0) {
      throw invalid();
    }
  }

  private static SqlLexException invalid() {
    return new SqlLexException("invalid Unicode escape in U& identifier");
  }
}
