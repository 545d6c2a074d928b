package dev.portcullis.policy.sql;

/**
 * PostgreSQL 15's character classes and the quoted-text scanners of {@link PgLexer}, as pure functions of the
 * text: each returns the index after what it scanned or throws {@link SqlLexException} when the text ends first.
 */
final class PgText {
  private PgText() {}

  static int skipLineComment(String s, int from, int limit) {
    int i = from + 2;
    while (i < limit && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  /** Scans a string body after its opening quote, with continuations; returns the index after the closing quote. */
  static int scanQuoted(String s, int from, int limit, boolean backslashEscapes, int start) {
    int i = from;
    while (true) {
      if (i >= limit) {
        throw new SqlLexException("unterminated quoted string at offset " + start);
      }
      char c = s.charAt(i);
      if (c == '\\' && backslashEscapes) {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < limit && s.charAt(i + 1) == '\'') {
          i += 2;
        } else {
          int next = continuation(s, i + 1, limit);
          if (next < 0) {
            return i + 1;
          }
          i = next;
        }
      } else {
        i++;
      }
    }
  }

  /**
   * PostgreSQL joins {@code 'a'} and {@code 'b'} into one constant when only whitespace with at least one newline
   * (and {@code --} comments ending in a newline) separates them. Returns the index after the next opening quote,
   * or -1 when the string really ends.
   */
  static int continuation(String s, int from, int limit) {
    int i = from;
    while (i < limit) { // horizontal whitespace, and a -- comment that runs up to the newline
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\f') {
        i++;
      } else if (c == '-' && i + 1 < limit && s.charAt(i + 1) == '-') {
        i = skipLineComment(s, i, limit);
      } else {
        break;
      }
    }
    if (i >= limit || s.charAt(i) != '\n' && s.charAt(i) != '\r') {
      return -1;
    }
    while (i < limit) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        i++;
      } else if (c == '-' && i + 1 < limit && s.charAt(i + 1) == '-') {
        i = skipLineComment(s, i, limit);
        if (i >= limit) {
          return -1;
        }
      } else {
        break;
      }
    }
    return i < limit && s.charAt(i) == '\'' ? i + 1 : -1;
  }

  static int scanQuotedIdent(String s, int from, int limit, int start) {
    int i = from;
    while (true) {
      if (i >= limit) {
        throw new SqlLexException("unterminated quoted identifier at offset " + start);
      }
      if (s.charAt(i) == '"') {
        if (i + 1 < limit && s.charAt(i + 1) == '"') {
          i += 2;
        } else {
          if (i == from) {
            throw new SqlLexException("zero-length delimited identifier at offset " + start);
          }
          return i + 1;
        }
      } else {
        i++;
      }
    }
  }

  static boolean isIdentStart(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
  }

  static boolean isIdentCont(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  static boolean isDollarTagCont(char c) {
    return isIdentStart(c) || isDigit(c);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isOpChar(char c) {
    return "~!@#^&|`?+-*/%<>=".indexOf(c) >= 0;
  }
}
