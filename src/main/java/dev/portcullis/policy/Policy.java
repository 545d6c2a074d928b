package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import java.util.List;
import java.util.Set;

/**
 * One policy of a {@code policies/*.yaml} file (design-notes §3).
 *
 * @param source         {@code file:line:col} where the policy starts, for messages
 * @param redactLiterals {@code audit: { literals: redact }}: statement events carry the fingerprint, not the text
 */
public record Policy(
    String name,
    Set<String> groups,
    Set<String> users,
    Set<String> targets,
    List<Rule> rules,
    List<Masking> masking,
    boolean redactLiterals,
    String source) {

  public Policy {
    groups = Set.copyOf(groups);
    users = Set.copyOf(users);
    targets = Set.copyOf(targets);
    rules = List.copyOf(rules);
    masking = List.copyOf(masking);
  }

  /** Subjects match (a group in common, or the subject listed) and the target is listed. */
  public boolean appliesTo(Identity identity, String target) {
    if (!targets.contains(target)) {
      return false;
    }
    if (users.contains(identity.subject())) {
      return true;
    }
    for (String g : identity.groups()) {
      if (groups.contains(g)) {
        return true;
      }
    }
    return false;
  }

  public enum Action { ALLOW, DENY, REVIEW }

  /**
   * One rule.
   *
   * @param tables    empty = any tables
   * @param functions function names this allow rule adds to the built-in safe list; {@code "*"} = every function
   */
  public record Rule(
      String name,
      Action action,
      Set<StatementKind> kinds,
      List<TableGlob> tables,
      Set<String> functions,
      List<String> approverGroups) {

    public Rule {
      kinds = Set.copyOf(kinds);
      tables = List.copyOf(tables);
      functions = Set.copyOf(functions);
      approverGroups = List.copyOf(approverGroups);
    }

    /** Allow: every table matches (exact case). Deny/review: any table matches (case ignored). No globs: true. */
    public boolean tablesMatch(Iterable<String> statementTables) {
      if (tables.isEmpty()) {
        return true;
      }
      boolean allow = action == Action.ALLOW;
      for (String t : statementTables) {
        boolean hit = false;
        for (TableGlob g : tables) {
          if (g.matches(t, !allow)) {
            hit = true;
            break;
          }
        }
        if (allow && !hit) {
          return false;
        }
        if (!allow && hit) {
          return true;
        }
      }
      return allow;
    }

    public boolean allowsFunction(String function) {
      return functions.contains("*") || functions.contains(function)
          || function.startsWith("pg_catalog.") && functions.contains(function.substring("pg_catalog.".length()));
    }
  }

  /** Masking entry. PLACEHOLDER shape (mask-core): mask-classify owns this record; take its version on merge. */
  public record Masking(String name, List<String> columns, List<String> names,
      Set<dev.portcullis.masking.Classifier> classifiers, String strategy) {
    public Masking {
      columns = List.copyOf(columns);
      names = List.copyOf(names);
      classifiers = Set.copyOf(classifiers);
    }
  }
}
