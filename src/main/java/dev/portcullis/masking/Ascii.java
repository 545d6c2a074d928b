package dev.portcullis.masking;

/**
 * Character tests for the content finders. ASCII only on purpose: the formats they look for are written in ASCII,
 * and {@link Character#isDigit} would let Arabic-Indic or full-width digits into a "card number".
 */
final class Ascii {
  private Ascii() {}

  static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean letter(char c) {
    return upper(c) || c >= 'a' && c <= 'z';
  }

  static boolean alnum(char c) {
    return digit(c) || letter(c);
  }

  /** Letters, digits and {@code _}: what a token prefix must not be glued to. */
  static boolean word(char c) {
    return alnum(c) || c == '_';
  }

  /** The char at {@code i}, or NUL outside the text, so boundary checks need no range tests. */
  static char at(CharSequence text, int i) {
    return i >= 0 && i < text.length() ? text.charAt(i) : '\0';
  }

  /** {@code text} has {@code word} at {@code i} (exact case). */
  static boolean startsWith(CharSequence text, int i, String word) {
    if (i < 0 || i + word.length() > text.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (text.charAt(i + k) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** {@code text} has {@code lower} at {@code i}, ASCII case ignored ({@code lower} is lower case). */
  static boolean startsWithIgnoreCase(CharSequence text, int i, String lower) {
    if (i < 0 || i + lower.length() > text.length()) {
      return false;
    }
    for (int k = 0; k < lower.length(); k++) {
      char c = text.charAt(i + k);
      if (upper(c)) {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lower.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
