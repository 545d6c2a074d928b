package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.digit;

import java.util.List;

/**
 * Finds US social security numbers written {@code ddd-dd-dddd} or {@code ddd dd dddd} (the same separator twice),
 * not glued to further digits, and only the numbers the SSA can issue: area not 000, 666 or 9xx, group not 00,
 * serial not 0000. Nine bare digits are not looked for: every ZIP+4, order number and phone without separators
 * would match.
 */
final class SocialSecurityNumbers {
  private static final int[] DIGITS = {0, 1, 2, 4, 5, 7, 8, 9, 10};

  private SocialSecurityNumbers() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    for (int i = 0; i + 11 <= n; i++) {
      if (digit(text.charAt(i)) && !digit(at(text, i - 1)) && matches(text, i)) {
        out.add(new TextSpan(i, i + 11, Classifier.SSN));
        i += 10;
      }
    }
  }

  private static boolean matches(CharSequence t, int i) {
    char sep = t.charAt(i + 3);
    if (sep != '-' && sep != ' ' || t.charAt(i + 6) != sep || digit(at(t, i + 11))) {
      return false;
    }
    for (int k : DIGITS) {
      if (!digit(t.charAt(i + k))) {
        return false;
      }
    }
    int area = number(t, i, 3);
    int group = number(t, i + 4, 2);
    int serial = number(t, i + 7, 4);
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
  }

  private static int number(CharSequence t, int from, int len) {
    int v = 0;
    for (int k = from; k < from + len; k++) {
      v = v * 10 + (t.charAt(k) - '0');
    }
    return v;
  }
}
