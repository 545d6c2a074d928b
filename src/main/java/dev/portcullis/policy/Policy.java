package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import dev.portcullis.masking.Classifier;
import dev.portcullis.ssh.command.CommandGlob;
import dev.portcullis.ssh.command.CommandText;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
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
   * One rule. A rule lists either SQL statement kinds ({@code kinds}, with {@code tables}/{@code functions}) or SSH
   * kinds ({@code sshActions}, with {@code commands}); the loader never mixes them, so a SQL rule never judges an
   * SSH request and an SSH rule never judges a statement.
   *
   * @param tables     empty = any tables
   * @param functions  function names this allow rule adds to the built-in safe list; {@code "*"} = every function
   * @param sshActions the SSH kinds this rule lists (empty for a SQL rule)
   * @param commands   globs over an exec part, a subsystem name or a forward's {@code host:port}; empty = any
   */
  public record Rule(
      String name,
      Action action,
      Set<StatementKind> kinds,
      List<TableGlob> tables,
      Set<String> functions,
      List<String> approverGroups,
      ApprovalTerms approval,
      Set<SshAction> sshActions,
      List<CommandGlob> commands) {

    public Rule {
      kinds = Set.copyOf(kinds);
      tables = List.copyOf(tables);
      functions = Set.copyOf(functions);
      approverGroups = List.copyOf(approverGroups);
      approval = approval == null ? ApprovalTerms.DEFAULT : approval;
      sshActions = sshActions.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(sshActions));
      commands = List.copyOf(commands);
    }

    /** A SQL rule. */
    public Rule(String name, Action action, Set<StatementKind> kinds, List<TableGlob> tables, Set<String> functions,
        List<String> approverGroups, ApprovalTerms approval) {
      this(name, action, kinds, tables, functions, approverGroups, approval, Set.of(), List.of());
    }

    public Rule(String name, Action action, Set<StatementKind> kinds, List<TableGlob> tables, Set<String> functions,
        List<String> approverGroups) {
      this(name, action, kinds, tables, functions, approverGroups, ApprovalTerms.DEFAULT);
    }

    /** An SSH rule. */
    public static Rule ssh(String name, Action action, Set<SshAction> actions, List<CommandGlob> commands,
        List<String> approverGroups, ApprovalTerms approval) {
      return new Rule(name, action, Set.of(), List.of(), Set.of(), approverGroups, approval, actions, commands);
    }

    /** Lists exec, and a glob matches the part (or there are none). Allow: exact case; deny/review: any case. */
    public boolean matchesExec(CommandText part) {
      if (!sshActions.contains(SshAction.EXEC)) {
        return false;
      }
      for (CommandGlob g : commands) {
        if (g.matches(part, action != Action.ALLOW)) {
          return true;
        }
      }
      return commands.isEmpty();
    }

    /**
     * Lists the (non-exec) action and, for subsystem and port-forward, a glob matches the detail (or there are
     * none). Shell, agent-forward and x11 have no detail: listing them is the whole match.
     */
    public boolean matchesSsh(SshAction requested, String detail) {
      if (requested == SshAction.EXEC) {
        throw new IllegalArgumentException("exec is matched part by part: use matchesExec");
      }
      if (!sshActions.contains(requested)) {
        return false;
      }
      if (!requested.hasDetail() || commands.isEmpty()) {
        return true;
      }
      for (CommandGlob g : commands) {
        if (detail != null && g.matches(detail, action != Action.ALLOW)) {
          return true;
        }
      }
      return false;
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

  /**
   * One entry of a policy's {@code masking:} list: which values to mask and how. The masking package compiles
   * these into per-result plans; the loader guarantees at least one of columns, names and classifiers.
   *
   * @param name        unique within the policy; {@code <policy>#<index from 1>} unless given, so events can say
   *                    which entry masked a column
   * @param columns     {@code schema.table.column} globs ({@link TableGlob} syntax), matched against a result
   *                    column's source as the catalog names it
   * @param names       result column name globs, matched ignoring case (for expressions and aliases, which have
   *                    no source column)
   * @param classifiers content classifiers whose matches inside text values are masked
   * @param strategy    {@code redact}, {@code partial}, {@code hash} or {@code null}
   */
  public record Masking(String name, List<String> columns, List<String> names, Set<Classifier> classifiers,
      String strategy) {
    public Masking {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(strategy, "strategy");
      columns = List.copyOf(columns);
      names = List.copyOf(names);
      // EnumSet order, so events and messages list classifiers the same way every time
      classifiers = classifiers.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(classifiers));
    }
  }

  /**
   * How a review rule's approval works (rule key {@code approval:}).
   *
   * @param retry    {@code false} (mode {@code hold}): the agent's statement waits for the decision; {@code true}
   *                 (mode {@code retry}): refused at once with an approval id, and the same identity may run the
   *                 exact same statement once within {@code grantTtl} after it was approved
   * @param timeout  how long a request waits for a decision before it is refused
   * @param grantTtl retry mode: how long an approval stays usable
   */
  public record ApprovalTerms(boolean retry, java.time.Duration timeout, java.time.Duration grantTtl) {
    public static final ApprovalTerms DEFAULT =
        new ApprovalTerms(false, java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(15));
    /** Gateways rebuild the list of pending requests from this far back: no request may wait longer. */
    public static final java.time.Duration LONGEST_TIMEOUT = java.time.Duration.ofHours(24);
  }
}
