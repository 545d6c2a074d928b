package dev.portcullis.policy;

import dev.portcullis.policy.sql.SafeFunctions;
import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides one analysed statement against the applicable policies (design-notes §3). Pure and cheap: it runs on the
 * event loop after the analysis (or a cache hit). Order of checks, most restrictive first:
 * <ol>
 *   <li>fixed denials, whatever the policies say: a statement that could not be analysed; SET/RESET of a setting
 *       that changes how later statements are lexed or resolved, or who runs them (and {@code set_config}, which
 *       can do the same from an expression, even under {@code functions: ["*"]});</li>
 *   <li>a matching deny rule (a listed kind, any table matching);</li>
 *   <li>a called function that is neither built-in safe nor named by a matching allow rule;</li>
 *   <li>every kind must be covered — by an allow rule whose globs match every table, or by a matching review rule —
 *       else deny "no rule allows …" (so an approval can never carry along a kind nobody has a rule for);</li>
 *   <li>a matching review rule → review; otherwise allow.</li>
 * </ol>
 * {@code transaction} and {@code show} need no allow rule, nor does SET/RESET of a {@link #HARMLESS_SETTINGS}. {@code explain} and {@code prepare} are wrappers: the
 * statement is judged as the one they wrap, so they need no allow rule of their own (alone, as in DEALLOCATE, they
 * do nothing); deny and review rules that list them still match.
 */
public final class PolicyEvaluator {
  /** Settings whose change would alter lexing (encoding, string syntax), name resolution, or the acting role. */
  static final Set<String> PINNED_SETTINGS = Set.of("client_encoding", "standard_conforming_strings",
      "search_path", "role", "session_authorization");
  /**
   * Functions refused even under {@code functions: ["*"]}: {@code set_config} changes the same settings as SET
   * (search_path, role…) from inside an expression, which would silently undo the pinned name resolution.
   */
  static final Set<String> PINNED_FUNCTIONS = Set.of("set_config", "pg_catalog.set_config");
  private static final Set<StatementKind> ALLOWED_BY_DEFAULT = EnumSet.of(StatementKind.TRANSACTION,
      StatementKind.SHOW);
  /**
   * Session settings that drivers set on their own when they connect (pgjdbc sends {@code SET application_name},
   * others set time zones, date styles and timeouts) and that change nothing about what a statement may touch: a
   * SET or RESET of one of these needs no allow rule, like {@code show}. A deny rule listing {@code set} still wins.
   */
  static final Set<String> HARMLESS_SETTINGS = Set.of("application_name", "extra_float_digits", "datestyle",
      "timezone", "intervalstyle", "statement_timeout", "lock_timeout",
      "idle_in_transaction_session_timeout", "client_min_messages", "bytea_output");
  private static final Set<StatementKind> WRAPPERS = EnumSet.of(StatementKind.EXPLAIN, StatementKind.PREPARE);

  private PolicyEvaluator() {}

  public static Decision decide(List<Policy> policies, StatementAnalysis a) {
    if (!a.understood()) {
      return new Decision.Deny(null, null, "cannot analyze statement: " + a.unsupported());
    }
    if (a.setting() != null && PINNED_SETTINGS.contains(a.setting())) {
      return new Decision.Deny(null, null, "changing " + a.setting() + " is not allowed: the gateway pins it "
          + "because it decides how later statements are read, resolved or whom they run as");
    }
    Set<StatementKind> kinds = a.kinds();
    if (kinds.isEmpty()) {
      return new Decision.Deny(null, null, "cannot analyze statement: no statement kind recognized");
    }
    for (Policy p : policies) {
      for (Policy.Rule r : p.rules()) {
        if (r.action() == Policy.Action.DENY && listsAny(r, kinds) && r.tablesMatch(a.tables())) {
          return new Decision.Deny(p.name(), r.name(), describe(kinds, a.tables()) + " is denied");
        }
      }
    }
    for (String f : new TreeSet<>(a.functions())) {
      if (PINNED_FUNCTIONS.contains(f)) {
        return new Decision.Deny(null, null, "function '" + f + "' is not allowed: it can change settings the "
            + "gateway pins (search_path, role)");
      }
      if (!SafeFunctions.isSafe(f) && !allowedFunction(policies, a, f)) {
        return new Decision.Deny(null, null, "function '" + f + "' is not allowed (not a built-in safe function, "
            + "and no allow rule matching this statement lists it in functions)");
      }
    }
    Policy reviewPolicy = null;
    Policy.Rule review = null;
    Policy allowPolicy = null;
    Policy.Rule allow = null;
    Set<StatementKind> needing = needingRule(kinds);
    if (a.setting() != null && HARMLESS_SETTINGS.contains(a.setting())) {
      needing.remove(StatementKind.SET);
    }
    for (StatementKind k : needing) {
      Policy.Rule cover = null;
      Policy coverPolicy = null;
      for (Policy p : policies) {
        for (Policy.Rule r : p.rules()) {
          if (r.action() == Policy.Action.DENY || !r.kinds().contains(k) || !r.tablesMatch(a.tables())) {
            continue;
          }
          if (r.action() == Policy.Action.REVIEW && review == null) {
            review = r;
            reviewPolicy = p;
          }
          if (cover == null || cover.action() == Policy.Action.REVIEW && r.action() == Policy.Action.ALLOW) {
            cover = r;
            coverPolicy = p;
          }
        }
      }
      if (cover == null) {
        return new Decision.Deny(null, null, "no rule allows " + describe(kinds, a.tables()));
      }
      if (allow == null && cover.action() == Policy.Action.ALLOW) {
        allow = cover;
        allowPolicy = coverPolicy;
      }
    }
    for (int i = 0; review == null && i < policies.size(); i++) {
      // a review rule on a kind that needs no rule (e.g. review on explain) still applies
      for (Policy.Rule r : policies.get(i).rules()) {
        if (r.action() == Policy.Action.REVIEW && listsAny(r, kinds) && r.tablesMatch(a.tables())) {
          review = r;
          reviewPolicy = policies.get(i);
          break;
        }
      }
    }
    if (review != null) {
      return new Decision.Review(reviewPolicy.name(), review.name(), describe(kinds, a.tables())
          + " needs approval" + (review.approverGroups().isEmpty() ? ""
              : " by " + String.join(", ", review.approverGroups())), review.approverGroups(), review.approval());
    }
    if (allow == null) {
      return new Decision.Allow(null, null, describe(kinds, a.tables()) + " is allowed by default");
    }
    return new Decision.Allow(allowPolicy.name(), allow.name(), describe(kinds, a.tables()) + " is allowed");
  }

  /** The kinds that need an allow or review rule: all but the default-allowed ones and the wrappers. */
  static Set<StatementKind> needingRule(Set<StatementKind> kinds) {
    Set<StatementKind> out = EnumSet.copyOf(kinds);
    out.removeAll(ALLOWED_BY_DEFAULT);
    out.removeAll(WRAPPERS);
    return out;
  }

  private static boolean listsAny(Policy.Rule r, Set<StatementKind> kinds) {
    for (StatementKind k : kinds) {
      if (r.kinds().contains(k)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowedFunction(List<Policy> policies, StatementAnalysis a, String function) {
    for (Policy p : policies) {
      for (Policy.Rule r : p.rules()) {
        if (r.action() == Policy.Action.ALLOW && listsAny(r, a.kinds()) && r.tablesMatch(a.tables())
            && r.allowsFunction(function)) {
          return true;
        }
      }
    }
    return false;
  }

  /** "select, delete on public.a, public.b" — kinds in enum order, tables sorted. */
  static String describe(Set<StatementKind> kinds, Set<String> tables) {
    List<String> k = new ArrayList<>();
    for (StatementKind kind : StatementKind.values()) {
      if (kinds.contains(kind)) {
        k.add(kind.yamlName());
      }
    }
    String on = tables.isEmpty() ? " (no tables)" : " on " + String.join(", ", new TreeSet<>(tables));
    return String.join(", ", k) + on;
  }
}
