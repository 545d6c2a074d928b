package dev.portcullis.masking;

import static dev.portcullis.masking.Ascii.alnum;
import static dev.portcullis.masking.Ascii.digit;
import static dev.portcullis.masking.Ascii.at;
import static dev.portcullis.masking.Ascii.startsWith;
import static dev.portcullis.masking.Ascii.startsWithIgnoreCase;
import static dev.portcullis.masking.Ascii.upper;
import static dev.portcullis.masking.Ascii.word;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds credentials by their published shapes:
 * <ul>
 *   <li>JWTs (and JWEs): base64url parts joined by dots, the first starting {@code eyJ} (base64 of {@code {"});</li>
 *   <li>AWS access key ids: {@code AKIA}/{@code ASIA} and 16 upper-case letters or digits;</li>
 *   <li>AWS secret access keys, only after a label ({@code aws_secret_access_key = …}, {@code "SecretAccessKey":
 *       "…"}): alone they are 40 characters of base64, which is also what a SHA-1 hex digest, a git commit id, or a
 *       random base64 blob looks like; masking every such string would wreck ordinary results;</li>
 *   <li>GitHub tokens ({@code ghp_ gho_ ghs_ ghu_ ghr_ github_pat_}) and Slack tokens ({@code xoxa- xoxb- xoxp-
 *       xoxr-});</li>
 *   <li>PEM private key blocks, {@code -----BEGIN … PRIVATE KEY-----} through the matching END line, as one span.
 *       A block without its END line (a truncated column) is masked to the end of the text: the part that is there
 *       is still key material.</li>
 * </ul>
 * Prefixes only count at the start of a token, so {@code xghp_…} or {@code 123eyJ…} are not matched.
 */
final class Secrets {
  private static final String[] GITHUB = {"ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_"};
  private static final int GITHUB_MIN_BODY = 20;
  private static final int SLACK_MIN_BODY = 10;
  private static final int AWS_SECRET_LENGTH = 40;
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  private Secrets() {}

  static void find(CharSequence text, List<TextSpan> out) {
    int n = text.length();
    PemEnds pemEnds = null;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int end = -1;
      if (c == '-' && startsWith(text, i, BEGIN)) {
        String label = pemLabel(text, i + BEGIN.length());
        if (label != null) {
          if (pemEnds == null) {
            pemEnds = new PemEnds(text);
          }
          end = pemEnds.after(label, i);
        }
      } else if (c == 'e') {
        end = jwt(text, i);
      } else if (c == 'A') {
        end = awsAccessKey(text, i);
      } else if (c == 'g') {
        end = github(text, i);
      } else if (c == 'x') {
        end = slack(text, i);
      } else if (c == 's' || c == 'S') {
        TextSpan value = labelledAwsSecret(text, i);
        if (value != null) {
          out.add(value);
          i = value.end() - 1;
        }
      }
      if (end > 0) {
        out.add(new TextSpan(i, end, Classifier.SECRET));
        i = end - 1;
      }
    }
  }

  private static boolean base64url(char c) {
    return alnum(c) || c == '-' || c == '_';
  }

  private static int run(CharSequence t, int from) {
    int j = from;
    while (j < t.length() && base64url(t.charAt(j))) {
      j++;
    }
    return j;
  }

  /** JWS {@code h.p.s} (signature may be empty for {@code alg: none}) or JWE (five parts). */
  private static int jwt(CharSequence t, int i) {
    if (!startsWith(t, i, "eyJ") || base64url(at(t, i - 1))) {
      return -1;
    }
    int end = run(t, i);
    if (end - i < 4) {
      return -1;
    }
    int parts = 1;
    int endOfThree = -1;
    while (parts < 5 && at(t, end) == '.') {
      int next = run(t, end + 1);
      if (parts == 1 && next - (end + 1) < 2) {
        return -1; // the claims part is never empty
      }
      end = next;
      parts++;
      if (parts == 3) {
        endOfThree = end;
      }
    }
    // five parts is a JWE; otherwise a JWS followed by a stray dot ("… token eyJ….sig.") ends after three
    return parts == 5 ? end : endOfThree;
  }

  private static int awsAccessKey(CharSequence t, int i) {
    if (!(startsWith(t, i, "AKIA") || startsWith(t, i, "ASIA")) || alnum(at(t, i - 1))) {
      return -1;
    }
    for (int k = i + 4; k < i + 20; k++) {
      char c = at(t, k);
      if (!upper(c) && !digit(c)) {
        return -1;
      }
    }
    return alnum(at(t, i + 20)) ? -1 : i + 20;
  }

  private static int github(CharSequence t, int i) {
    if (word(at(t, i - 1))) {
      return -1;
    }
    for (String prefix : GITHUB) {
      if (startsWith(t, i, prefix)) {
        int end = i + prefix.length();
        while (end < t.length() && word(t.charAt(end)) && end - i < 256) {
          end++;
        }
        return end - i - prefix.length() >= GITHUB_MIN_BODY && !word(at(t, end)) ? end : -1;
      }
    }
    return -1;
  }

  private static int slack(CharSequence t, int i) {
    char kind = at(t, i + 3);
    if (!startsWith(t, i, "xox") || "abpr".indexOf(kind) < 0 || at(t, i + 4) != '-' || word(at(t, i - 1))) {
      return -1;
    }
    int end = i + 5;
    while (end < t.length() && (alnum(t.charAt(end)) || t.charAt(end) == '-') && end - i < 256) {
      end++;
    }
    return end - i - 5 >= SLACK_MIN_BODY ? end : -1;
  }

  /**
   * A label {@code secret_access_key}, {@code secret-access-key} or {@code SecretAccessKey} (any case, any prefix
   * such as {@code aws_}) at {@code i}, then optional quote, {@code :} or {@code =}, optional quote: the 40-char
   * value after it, or null. The label itself is not secret and stays visible.
   */
  private static TextSpan labelledAwsSecret(CharSequence t, int i) {
    if (!startsWithIgnoreCase(t, i, "secret")) {
      return null;
    }
    int j = i + "secret".length();
    j = optionalSeparator(t, j);
    if (!startsWithIgnoreCase(t, j, "access")) {
      return null;
    }
    j = optionalSeparator(t, j + "access".length());
    if (!startsWithIgnoreCase(t, j, "key")) {
      return null;
    }
    j += "key".length();
    j = skip(t, j, "\"'");
    j = skip(t, j, " \t");
    if (at(t, j) != ':' && at(t, j) != '=') {
      return null;
    }
    j = skip(t, j + 1, " \t");
    j = skip(t, j, "\"'");
    int end = j;
    while (end < t.length() && awsSecretChar(t.charAt(end)) && end - j <= AWS_SECRET_LENGTH) {
      end++;
    }
    return end - j == AWS_SECRET_LENGTH ? new TextSpan(j, end, Classifier.SECRET) : null;
  }

  private static boolean awsSecretChar(char c) {
    return alnum(c) || c == '/' || c == '+' || c == '=';
  }

  private static int optionalSeparator(CharSequence t, int j) {
    char c = at(t, j);
    return c == '_' || c == '-' ? j + 1 : j;
  }

  /** Skips at most one char of {@code chars} (quotes) or any run of them (blanks, bounded by the text). */
  private static int skip(CharSequence t, int j, String chars) {
    if (chars.indexOf('"') >= 0) {
      return j < t.length() && chars.indexOf(t.charAt(j)) >= 0 ? j + 1 : j;
    }
    while (j < t.length() && chars.indexOf(t.charAt(j)) >= 0) {
      j++;
    }
    return j;
  }

  /** The label of {@code -----BEGIN <label>-----} when it names a private key, else null. */
  private static String pemLabel(CharSequence t, int from) {
    int j = from;
    while (j < t.length() && j - from <= 40 && (upper(t.charAt(j)) || digit(t.charAt(j))
        || t.charAt(j) == ' ')) {
      j++;
    }
    if (!startsWith(t, j, DASHES)) {
      return null;
    }
    String label = t.subSequence(from, j).toString();
    return label.endsWith("PRIVATE KEY") || label.endsWith("PRIVATE KEY BLOCK") ? label : null;
  }

  /**
   * Every {@code -----END <label>-----} line of the text, found in one pass the first time a BEGIN needs one, so a
   * text full of BEGIN lines without END costs one scan, not one per BEGIN.
   */
  private static final class PemEnds {
    private final Map<String, List<int[]>> byLabel = new HashMap<>();
    private final int textLength;

    PemEnds(CharSequence t) {
      textLength = t.length();
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) == '-' && startsWith(t, i, END)) {
          int from = i + END.length();
          int j = from;
          while (j < t.length() && j - from <= 40 && t.charAt(j) != '-' && t.charAt(j) != '\n') {
            j++;
          }
          if (startsWith(t, j, DASHES)) {
            byLabel.computeIfAbsent(t.subSequence(from, j).toString(), k -> new ArrayList<>())
                .add(new int[] {i, j + DASHES.length()});
            i = j + DASHES.length() - 1;
          }
        }
      }
    }

    /** End of the first END line for {@code label} after {@code begin}; the text's end when there is none. */
    int after(String label, int begin) {
      List<int[]> ends = byLabel.getOrDefault(label, List.of());
      int lo = 0;
      int hi = ends.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ends.get(mid)[0] > begin) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo < ends.size() ? ends.get(lo)[1] : textLength;
    }
  }
}
