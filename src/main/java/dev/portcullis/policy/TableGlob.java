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

  /**
   * The same wildcard match as SSH command globs without redirections (one backtrack point, no recursion on hostile
   * input; a star is always a star, even facing a '*' in a quoted name, so a deny glob cannot miss).
   */
  static boolean match(String p, String s) {
    return dev.portcullis.ssh.command.CommandGlob.matchPlain(p, s, false);
  }

  @Override
  public String toString() {
    return pattern;
  }
}
