package dev.portcullis.policy;

import java.util.Locale;

/**
 * A table pattern of a rule, matched against the whole resolved relation name {@code schema.table} as the SQL
 * analyzer reports it (unquoted identifiers folded to lower case, quoted ones exact). {@code *} matches any run of
 * characters, dots included ({@code *.secrets} is "secrets in any schema"); {@code ?} matches one character.
 *
 * <p>Case: allow rules match exactly (so write globs in lower case, as PostgreSQL folds unquoted names); deny and
 * review rules ignore case. The asymmetry is deliberate: a glob whose case is off can then only make an allow
 * narrower, never a deny or a review wider-open.
 *
 * <p>The loader refuses globs without a dot: an unqualified {@code secrets} would match nothing (every name is
 * qualified) and a deny rule built on it would silently protect nothing.
 */
public record TableGlob(String pattern) {
  public boolean matches(String table, boolean ignoreCase) {
    if (ignoreCase) {
      return match(pattern.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT));
    }
    return match(pattern, table);
  }

  /** Iterative wildcard match with single backtrack point: linear-ish, no recursion on hostile input. */
  static boolean match(String p, String s) {
    int pi = 0;
    int si = 0;
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      // a star is always a star, even facing a '*' in the name (a quoted identifier may hold one): matching it as
      // a literal there would drop the backtrack point and let a deny glob miss
      if (pi < p.length() && p.charAt(pi) != '*' && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
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

  @Override
  public String toString() {
    return pattern;
  }
}
