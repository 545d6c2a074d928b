package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.alnum;
import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.letter;

import java.util.List;

/**
 * Finds e-mail addresses {@code local@domain.tld} around each {@code @}, with the subset of RFC 5322 that people
 * write: a local part of letters, digits and {@code . _ % + -} (at most 64, no leading, trailing or doubled dot)
 * and a domain of two or more labels (letters, digits, inner dashes; at most 63 each, 253 in all) ending in a
 * letters-only or punycode top-level label. The rarer atext characters ({@code ! # $ & ' * / = ? ^ ` { | } ~})
 * are left out on purpose: in {@code key='a@b.com'} they would drag the surrounding syntax into the match. Quoted
 * local parts, address literals ({@code a@[10.0.0.1]}) and non-ASCII addresses are not recognised.
 *
 * <p>Every scan is bounded (64 chars back, 253 forward), so each {@code @} costs a constant.
 */
final class EmailAddresses {
  private static final int MAX_LOCAL = 64;
  private static final int MAX_DOMAIN = 253;
  private static final int MAX_LABEL = 63;

  private EmailAddresses() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    int covered = 0; // end of the last address: a second '@' inside it starts nothing new
    for (int sign = 0; sign < n; sign++) {
      if (text.charAt(sign) != '@' || sign < covered) {
        continue;
      }
      int start = localStart(text, sign);
      int end = start < 0 ? -1 : domainEnd(text, sign + 1);
      if (end > 0) {
        out.add(new TextSpan(start, end, Classifier.EMAIL));
        covered = end;
      }
    }
  }

  private static boolean localChar(char c) {
    return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  /** Start of the local part ending before the {@code @} at {@code sign}, or -1. */
  private static int localStart(CharSequence t, int sign) {
    int s = sign;
    while (s > 0 && localChar(t.charAt(s - 1))) {
      if (sign - s == MAX_LOCAL) {
        return -1; // longer than any local part: some other token
      }
      if (t.charAt(s - 1) == '.' && at(t, s) == '.') {
        break; // "a..b@x.org": the address starts after the doubled dot
      }
      s--;
    }
    while (s < sign && t.charAt(s) == '.') {
      s++;
    }
    if (s == sign || t.charAt(sign - 1) == '.') {
      return -1;
    }
    return s;
  }

  /** End of the longest valid domain starting at {@code from}, or -1. */
  private static int domainEnd(CharSequence t, int from) {
    int best = -1;
    int labels = 0;
    int j = from;
    while (j - from <= MAX_DOMAIN) {
      int labelStart = j;
      while (j < t.length() && (alnum(t.charAt(j)) || t.charAt(j) == '-') && j - labelStart <= MAX_LABEL) {
        j++;
      }
      int len = j - labelStart;
      if (len == 0 || len > MAX_LABEL || t.charAt(labelStart) == '-' || t.charAt(j - 1) == '-'
          || j - from > MAX_DOMAIN) {
        return best;
      }
      labels++;
      if (labels >= 2 && topLevel(t, labelStart, j)) {
        best = j;
      }
      if (at(t, j) != '.' || !alnum(at(t, j + 1))) {
        return best;
      }
      j++;
    }
    return best;
  }

  private static boolean topLevel(CharSequence t, int from, int to) {
    if (to - from < 2) {
      return false;
    }
    if (Ascii.startsWithIgnoreCase(t, from, "xn--")) {
      return true;
    }
    for (int k = from; k < to; k++) {
      if (!letter(t.charAt(k))) {
        return false;
      }
    }
    return true;
  }
}
