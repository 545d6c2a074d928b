package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.digit;

import java.util.Arrays;
import java.util.List;

/**
 * Finds payment card numbers: 13–19 digits, either one unbroken run or groups joined by single spaces or dashes
 * (one kind of separator per number), passing the Luhn check.
 *
 * <p>The text is read as chains of digit groups joined by single separators. An unbroken run of 20 or more digits
 * is some other number and never searched inside; digits glued to a decimal point ({@code 3.1415…}) are not a
 * card edge either. In a
 * chain, every run of whole groups of 13–19 digits whose groups have 3–6 digits each (4-4-4-4, 4-6-5, 4-4-4-4-3…)
 * is a candidate, leftmost-longest first, so an expiry or amount after the number ({@code 4111 1111 1111 1111
 * 12 25}) does not hide it. Requiring 3–6-digit groups keeps rows of single digits from becoming "cards".
 *
 * <p>No issuer-prefix check: Luhn leaves one random 16-digit number in ten, and a masked order number costs less
 * than a leaked card whose prefix we did not know.
 */
final class CardNumbers {
  private static final int MIN = 13;
  private static final int MAX = 19;

  private CardNumbers() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    Chain chain = new Chain();
    int i = 0;
    while (i < n) {
      if (!digit(text.charAt(i)) || digit(at(text, i - 1))) {
        i++;
        continue;
      }
      chain.read(text, i);
      chain.emitCards(text, out);
      i = chain.end();
    }
  }

  /** The digit groups of one chain: start, end and the separator before each (0 for the first). */
  private static final class Chain {
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private char[] seps = new char[16];
    private int count;
    private boolean fractionAfter;

    void read(CharSequence text, int from) {
      count = 0;
      int j = from;
      char sep = 0;
      while (true) {
        int s = j;
        while (j < text.length() && digit(text.charAt(j))) {
          j++;
        }
        add(s, j, sep);
        char c = at(text, j);
        if ((c == ' ' || c == '-') && digit(at(text, j + 1))) {
          sep = c;
          j++;
        } else {
          return;
        }
      }
    }

    private void add(int start, int end, char sep) {
      if (count == starts.length) {
        starts = Arrays.copyOf(starts, count * 2);
        ends = Arrays.copyOf(ends, count * 2);
        seps = Arrays.copyOf(seps, count * 2);
      }
      starts[count] = start;
      ends[count] = end;
      seps[count] = sep;
      count++;
    }

    int end() {
      return ends[count - 1];
    }

    private int digits(int g) {
      return ends[g] - starts[g];
    }

    void emitCards(CharSequence text, List<TextSpan> out) {
      // a chain glued to a decimal point is a fraction ("3.14159…"): its first or last group can't be a card edge
      int a = at(text, starts[0] - 1) == '.' && digit(at(text, starts[0] - 2)) ? 1 : 0;
      fractionAfter = at(text, end()) == '.' && digit(at(text, end() + 1));
      while (a < count) {
        int last = longestCard(text, a);
        if (last >= 0) {
          out.add(new TextSpan(starts[a], ends[last], Classifier.CARD));
          a = last + 1;
        } else {
          a++;
        }
      }
    }

    /** The last group of the longest card starting at group {@code a}, or -1. */
    private int longestCard(CharSequence text, int a) {
      int best = -1;
      int total = digits(a);
      if (total >= MIN && total <= MAX && endsCleanly(a) && luhn(text, a, a)) {
        best = a;
      }
      if (!groupSized(a)) {
        return best;
      }
      for (int b = a + 1; b < count && groupSized(b) && seps[b] == seps[a + 1]; b++) {
        total += digits(b);
        if (total > MAX) {
          break;
        }
        if (total >= MIN && endsCleanly(b) && luhn(text, a, b)) {
          best = b;
        }
      }
      return best;
    }

    private boolean endsCleanly(int g) {
      return g < count - 1 || !fractionAfter;
    }

    private boolean groupSized(int g) {
      return digits(g) >= 3 && digits(g) <= 6;
    }

    /** Luhn over the digits of groups {@code a..b}: from the right, every second digit doubled. */
    private boolean luhn(CharSequence text, int a, int b) {
      int sum = 0;
      boolean doubled = false;
      for (int g = b; g >= a; g--) {
        for (int k = ends[g] - 1; k >= starts[g]; k--) {
          int d = text.charAt(k) - '0';
          if (doubled) {
            d *= 2;
            if (d > 9) {
              d -= 9;
            }
          }
          sum += d;
          doubled = !doubled;
        }
      }
      return sum % 10 == 0;
    }
  }
}
