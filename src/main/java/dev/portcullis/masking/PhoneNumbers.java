package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.alnum;
import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.digit;

import java.util.List;

/**
 * Finds phone numbers in two shapes only, because "some digits" is not a phone number:
 * <ul>
 *   <li>international: {@code +} then 8–15 digits, single spaces, dashes or dots between them and at most one
 *       parenthesised group ({@code +1 (555) 123-4567}, {@code +44 20 7946 0958}, {@code +33.1.23.45.67.89});</li>
 *   <li>North American: {@code (555) 123-4567}, {@code 555-123-4567}, {@code 555.123.4567}, optionally after
 *       {@code 1-}, {@code 1.} or {@code 1 }.</li>
 * </ul>
 * Dates ({@code 2024-01-15}), IP addresses, version strings and bare digit runs have neither shape. A North
 * American match glued to more digit groups ({@code 10.555.123.4567}) is part of something longer and skipped.
 * A card number that also reads as an international number is left to {@link CardNumbers}: the scanner gives
 * cards precedence.
 */
final class PhoneNumbers {
  private static final int MIN_DIGITS = 8;
  private static final int MAX_DIGITS = 15;

  private PhoneNumbers() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int end = -1;
      if (c == '+' && !alnum(at(text, i - 1)) && at(text, i - 1) != '+') {
        end = international(text, i + 1);
      } else if ((c == '(' || digit(c)) && !digit(at(text, i - 1))) {
        end = northAmerican(text, i);
        if (end > 0) {
          int start = withTrunkPrefix(text, i);
          if (start >= 0) {
            out.add(new TextSpan(start, end, Classifier.PHONE));
            i = end - 1;
          }
          continue;
        }
      }
      if (end > 0) {
        out.add(new TextSpan(i, end, Classifier.PHONE));
        i = end - 1;
      }
    }
  }

  /** End of an international number whose digits start at {@code from}, or -1. */
  private static int international(CharSequence t, int from) {
    int digits = 0;
    int lastDigitEnd = -1;
    boolean parenUsed = false;
    boolean inParen = false;
    int j = from;
    while (j < t.length()) {
      char c = t.charAt(j);
      char prev = t.charAt(j - 1);
      if (digit(c)) {
        if (++digits > MAX_DIGITS) {
          return -1; // a longer number with a sign, not a phone
        }
        lastDigitEnd = ++j;
      } else if (c == '(' && !parenUsed && !digit(prev) && digit(at(t, j + 1))) {
        parenUsed = true;
        inParen = true;
        j++;
      } else if (c == ')' && inParen && digit(prev)) {
        inParen = false;
        j++;
      } else if ((c == ' ' || c == '-' || c == '.') && (digit(prev) || prev == ')' && c == ' ')
          && (digit(at(t, j + 1)) || at(t, j + 1) == '(')) {
        j++;
      } else {
        break;
      }
    }
    if (inParen || digits < MIN_DIGITS) {
      return -1;
    }
    return lastDigitEnd;
  }

  /** End of {@code (ddd) ddd-dddd} or {@code ddd-ddd-dddd} / {@code ddd.ddd.dddd} at {@code i}, or -1. */
  private static int northAmerican(CharSequence t, int i) {
    int j;
    if (t.charAt(i) == '(') {
      if (!digits(t, i + 1, 3) || at(t, i + 4) != ')') {
        return -1;
      }
      j = at(t, i + 5) == ' ' ? i + 6 : i + 5;
      if (!digits(t, j, 3) || !(at(t, j + 3) == '-' || at(t, j + 3) == '.' || at(t, j + 3) == ' ')
          || !digits(t, j + 4, 4)) {
        return -1;
      }
      j += 8;
    } else {
      char sep = at(t, i + 3);
      if (sep != '-' && sep != '.' || !digits(t, i, 3) || !digits(t, i + 4, 3) || at(t, i + 7) != sep
          || !digits(t, i + 8, 4)) {
        return -1;
      }
      j = i + 12;
    }
    char after = at(t, j);
    if (digit(after) || (after == '-' || after == '.') && digit(at(t, j + 1))) {
      return -1;
    }
    return j;
  }

  /**
   * Start of the number found at {@code i}: earlier when a {@code 1} trunk prefix precedes it, -1 when other digit
   * groups do (then it is part of something longer, such as an IP address or a version).
   */
  private static int withTrunkPrefix(CharSequence t, int i) {
    char before = at(t, i - 1);
    if (before != '-' && before != '.' && before != ' ') {
      return i;
    }
    if (!digit(at(t, i - 2))) {
      return i;
    }
    boolean trunk = at(t, i - 2) == '1' && !digit(at(t, i - 3))
        && !((at(t, i - 3) == '-' || at(t, i - 3) == '.') && digit(at(t, i - 4)));
    if (trunk) {
      return i - 2;
    }
    return before == ' ' ? i : -1;
  }

  private static boolean digits(CharSequence t, int from, int len) {
    if (from + len > t.length()) {
      return false;
    }
    for (int k = from; k < from + len; k++) {
      if (!digit(t.charAt(k))) {
        return false;
      }
    }
    return true;
  }
}
