package dev.portcullis.ssh.command;

import java.util.Objects;

/**
 * A {@code commands:} glob of an SSH rule. {@code *} matches any run of characters (spaces included), {@code ?}
 * one character; every other character stands for itself. There is no escape: a glob cannot ask for a literal
 * {@code *} other than by the {@code *} or {@code ?} that also matches it.
 *
 * <p>Against a {@link SimpleCommand} the glob matches its {@link SimpleCommand#normalized() normalized} text, with
 * one restriction: {@code *} and {@code ?} never match the characters of a redirection operator. So {@code ls *}
 * does not match {@code ls >/etc/passwd} (nor {@code cat </dev/tcp/host/80}); {@code ls * >/tmp/*} does.
 *
 * <p>Case: the caller chooses. Allow rules match exactly; deny and review rules ignore case, so a glob whose case
 * is off can only make an allow narrower, never a deny wider open (as with table globs).
 */
public record CommandGlob(String pattern) {
  public CommandGlob {
    Objects.requireNonNull(pattern, "pattern");
  }

  public boolean matches(CommandText text, boolean ignoreCase) {
    return text.protectedChars() == null ? matchPlain(pattern, text.text(), ignoreCase)
        : match(pattern, text.text(), text.protectedChars(), ignoreCase);
  }

  public boolean matches(SimpleCommand command, boolean ignoreCase) {
    return matches(CommandText.of(command), ignoreCase);
  }

  /** For a subsystem name or a forward's {@code host:port}: plain text, nothing protected. */
  public boolean matches(String text, boolean ignoreCase) {
    return matchPlain(pattern, text, ignoreCase);
  }

  /**
   * Without protected characters: the classic iterative match with one backtrack point (the last star), which is
   * exact when a star may match anything, and close to linear in practice.
   */
  public static boolean matchPlain(String p, String s, boolean ignoreCase) {
    int pi = 0;
    int si = 0;
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      if (pi < p.length() && p.charAt(pi) != '*' && (p.charAt(pi) == '?' || same(p.charAt(pi), s.charAt(si),
          ignoreCase))) {
        pi++;
        si++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  /**
   * With protected characters a star cannot always stretch, so the one-backtrack algorithm is not exact; this
   * simulates the glob as a set of pattern positions, one text character at a time: O(text × pattern) in the worst
   * case, no recursion and no backtracking blow-up on hostile input; most globs start with a literal and die at
   * the first characters.
   *
   * @param protectedChars characters that only a literal pattern character may match ({@code null}: none)
   */
  static boolean match(String p, String s, boolean[] protectedChars, boolean ignoreCase) {
    int m = p.length();
    boolean[] now = new boolean[m + 1];
    boolean[] next = new boolean[m + 1];
    now[0] = true;
    closeOverStars(p, now);
    for (int si = 0; si < s.length(); si++) {
      char c = s.charAt(si);
      boolean wildcardOk = protectedChars == null || !protectedChars[si];
      boolean any = false;
      java.util.Arrays.fill(next, false);
      for (int pi = 0; pi < m; pi++) {
        if (!now[pi]) {
          continue;
        }
        char pc = p.charAt(pi);
        if (pc == '*') {
          if (wildcardOk) {
            next[pi] = true;
            any = true;
          }
        } else if (pc == '?' ? wildcardOk : same(pc, c, ignoreCase)) {
          next[pi + 1] = true;
          any = true;
        }
      }
      if (!any) {
        return false;
      }
      closeOverStars(p, next);
      boolean[] t = now;
      now = next;
      next = t;
    }
    return now[m];
  }

  /** A star may match nothing: being before it means being after it too. */
  private static void closeOverStars(String p, boolean[] states) {
    for (int pi = 0; pi < p.length(); pi++) {
      if (states[pi] && p.charAt(pi) == '*') {
        states[pi + 1] = true;
      }
    }
  }

  private static boolean same(char a, char b, boolean ignoreCase) {
    return a == b || ignoreCase && (Character.toLowerCase(a) == Character.toLowerCase(b)
        || Character.toUpperCase(a) == Character.toUpperCase(b));
  }

  @Override
  public String toString() {
    return pattern;
  }
}
