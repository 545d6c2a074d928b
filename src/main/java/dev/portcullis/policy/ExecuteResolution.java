package dev.portcullis.policy;

import dev.portcullis.policy.sql.LexedStatement;
import dev.portcullis.policy.sql.SqlLexException;
import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Turns the analysed statements of one message into its {@link Judgement}, judging each {@code EXECUTE name} as
 * the statement it runs: the latest {@code PREPARE name} earlier in the same message, else the session's prepared
 * text from {@link JudgeRequest#prepared()} (either the whole {@code PREPARE name AS …} or the bare statement).
 * An unknown name is denied. The arguments of EXECUTE are judged too (they may call functions).
 */
final class ExecuteResolution {
  private final PolicyEngine engine;
  private final PolicyEngine.Scope scope;
  private final JudgeRequest request;
  private final List<LexedStatement> statements;
  private final List<DecisionCache.Entry> entries;
  private final StatementAnalysis[] prepared;
  private final String[] failures;

  ExecuteResolution(PolicyEngine engine, PolicyEngine.Scope scope, JudgeRequest request,
      List<LexedStatement> statements, List<DecisionCache.Entry> entries) {
    this.engine = engine;
    this.scope = scope;
    this.request = request;
    this.statements = statements;
    this.entries = entries;
    this.prepared = new StatementAnalysis[entries.size()];
    this.failures = new String[entries.size()];
  }

  CompletableFuture<Judgement> judgement() {
    List<LexedStatement> lookups = new ArrayList<>();
    List<Integer> lookupFor = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      StatementAnalysis a = entries.get(i).analysis();
      String name = a.executeName();
      if (name == null || !a.understood()) {
        continue;
      }
      StatementAnalysis inMessage = preparedEarlier(i, name);
      if (inMessage != null) {
        prepared[i] = inMessage;
        continue;
      }
      String text = request.prepared().get(name);
      if (text == null) {
        failures[i] = "EXECUTE of unknown prepared statement '" + name + "'";
        continue;
      }
      try {
        List<LexedStatement> lexed = engine.analyzerSplit(text);
        if (lexed.size() != 1) {
          failures[i] = "prepared statement '" + name + "' does not hold exactly one statement";
          continue;
        }
        lookups.add(lexed.get(0));
        lookupFor.add(i);
      } catch (SqlLexException e) {
        failures[i] = "prepared statement '" + name + "': " + e.getMessage();
      }
    }
    if (lookups.isEmpty()) {
      return CompletableFuture.completedFuture(build());
    }
    return engine.entries(scope, lookups).thenApply(found -> {
      for (int k = 0; k < found.size(); k++) {
        prepared[lookupFor.get(k)] = found.get(k).analysis();
      }
      return build();
    });
  }

  private StatementAnalysis preparedEarlier(int index, String name) {
    for (int j = index - 1; j >= 0; j--) {
      StatementAnalysis a = entries.get(j).analysis();
      if (name.equals(a.preparedName())) {
        return a;
      }
    }
    return null;
  }

  private Judgement build() {
    boolean redact = scope.redactLiterals();
    List<JudgedStatement> judged = new ArrayList<>(entries.size());
    Decision overall = null;
    for (int i = 0; i < entries.size(); i++) {
      DecisionCache.Entry entry = entries.get(i);
      StatementAnalysis shown = entry.analysis();
      Decision decision = entry.decision();
      if (decision == null) {
        if (failures[i] != null) {
          decision = new Decision.Deny(null, null, failures[i]);
        } else if (prepared[i] != null) {
          shown = combined(entry.analysis(), prepared[i]);
          decision = PolicyEvaluator.decide(scope.policies(), shown);
        } else {
          decision = PolicyEvaluator.decide(scope.policies(), shown);
        }
      }
      if (decision.allowed() && copiesOut(shown) && shown.copyOutQuery() == null && !scope.masking().isEmpty()) {
        // Only COPY table [(columns)] TO STDOUT in the default text format has rows the gateway can mask
        decision = new Decision.Deny(null, null, "with masking rules in force, COPY … TO STDOUT is allowed only as "
            + "COPY table [(columns)] TO STDOUT without options (its rows must be maskable)");
      }
      LexedStatement s = statements.get(i);
      boolean own = shown == entry.analysis();
      judged.add(new JudgedStatement(redact ? s.fingerprint() : s.text(), s.fingerprint(), shown.kinds(),
          own ? entry.tables() : DecisionCache.Entry.sorted(shown.tables()),
          own ? entry.functions() : DecisionCache.Entry.sorted(shown.functions()), decision,
          entry.analysis().preparedName(), shown.copyOutQuery()));
      if (overall == null && !decision.allowed()) {
        overall = decision;
      }
    }
    return new Judgement(judged, overall != null ? overall : judged.get(0).decision(), scope.masking());
  }

  /** COPY … TO STDOUT (the analyzer gives it kinds copy + select; COPY … FROM STDIN is copy + insert). */
  private static boolean copiesOut(StatementAnalysis a) {
    return a.kinds().contains(StatementKind.COPY) && a.kinds().contains(StatementKind.SELECT);
  }

  /** EXECUTE judged as its prepared statement, plus whatever its own arguments call. */
  private static StatementAnalysis combined(StatementAnalysis execute, StatementAnalysis prepared) {
    if (prepared.executeName() != null) {
      return StatementAnalysis.unsupported("a prepared statement cannot itself be EXECUTE");
    }
    Set<dev.portcullis.policy.StatementKind> kinds = new HashSet<>(prepared.kinds());
    kinds.addAll(execute.kinds());
    Set<String> functions = new HashSet<>(prepared.functions());
    functions.addAll(execute.functions());
    return new StatementAnalysis(kinds, prepared.tables(), functions, prepared.setting(), null,
        execute.executeName(), prepared.unsupported());
  }
}
