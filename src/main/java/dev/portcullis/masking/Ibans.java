package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.alnum;
import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.digit;
import static dev.portcullis.masking.Ascii.upper;

import java.util.List;

/**
 * Finds IBANs: two upper-case letters, two check digits and 11–30 upper-case letters or digits (15–34 in all),
 * either unbroken ({@code DE89370400440532013000}) or printed in groups of four separated by single spaces
 * ({@code GB82 WEST 1234 5698 7654 32}), passing the ISO 7064 mod-97 check.
 *
 * <p>Unbroken, the whole token must be the IBAN. Printed, the IBAN may end at any group boundary (the longest
 * valid one wins), so a word after it ({@code … 7034 THEN}) does not hide it. The country's registered length is
 * not checked: mod-97 already leaves one random candidate in 97, and a stale length table would hide real IBANs.
 * Lower-case IBANs are not recognised.
 */
final class Ibans {
  private static final int MIN = 15;
  private static final int MAX = 34;

  private Ibans() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    for (int i = 0; i + MIN <= n; i++) {
      if (!upper(text.charAt(i)) || !upper(text.charAt(i + 1)) || !digit(text.charAt(i + 2))
          || !digit(text.charAt(i + 3)) || alnum(at(text, i - 1))) {
        continue;
      }
      int end = at(text, i + 4) == ' ' ? printed(text, i) : unbroken(text, i);
      if (end > 0) {
        out.add(new TextSpan(i, end, Classifier.IBAN));
        i = end - 1;
      }
    }
  }

  private static boolean ibanChar(char c) {
    return upper(c) || digit(c);
  }

  private static int unbroken(CharSequence t, int i) {
    int j = i + 4;
    while (j < t.length() && ibanChar(t.charAt(j)) && j - i <= MAX) {
      j++;
    }
    int len = j - i;
    if (len < MIN || len > MAX || alnum(at(t, j))) {
      return -1;
    }
    return mod97(t, i, j) ? j : -1;
  }

  /** End of the longest valid IBAN in groups of four after the first four chars at {@code i}, or -1. */
  private static int printed(CharSequence t, int i) {
    int best = -1;
    int chars = 4;
    int j = i + 4;
    while (at(t, j) == ' ' && ibanChar(at(t, j + 1))) {
      int g = j + 1;
      int k = g;
      while (k < t.length() && ibanChar(t.charAt(k)) && k - g < 4) {
        k++;
      }
      if (alnum(at(t, k))) {
        return best; // a longer word: not a group of this IBAN
      }
      chars += k - g;
      if (chars > MAX) {
        return best;
      }
      if (chars >= MIN && mod97(t, i, k)) {
        best = k;
      }
      if (k - g < 4) {
        return best; // a short group is the last one
      }
      j = k;
    }
    return best;
  }

  /** ISO 7064 mod 97-10 over the IBAN in {@code [from, to)} (spaces skipped): the first four chars move last. */
  private static boolean mod97(CharSequence t, int from, int to) {
    int rest = 0;
    for (int pass = 0; pass < 2; pass++) {
      int a = pass == 0 ? from + 4 : from;
      int b = pass == 0 ? to : from + 4;
      for (int k = a; k < b; k++) {
        char c = t.charAt(k);
        if (c == ' ') {
          continue;
        }
        if (digit(c)) {
          rest = (rest * 10 + (c - '0')) % 97;
        } else {
          rest = (rest * 100 + (c - 'A' + 10)) % 97;
        }
      }
    }
    return rest == 1;
  }
}
