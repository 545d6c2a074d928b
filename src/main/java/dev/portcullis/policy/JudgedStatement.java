package dev.portcullis.policy;

import java.util.List;
import java.util.Set;

/**
 * One statement of a message, as the policy engine saw and decided it. This is what the audit event
 * {@code statement.decided} is built from.
 *
 * @param text        the statement as received (one statement of a possibly multi-statement message)
 * @param fingerprint the statement with literals replaced by {@code ?} (the decision-cache key part)
 * @param kinds       every kind the statement has (a data-modifying CTE is select + delete)
 * @param tables      every relation read or written, schema-qualified, lower case ({@code public.orders})
 * @param functions   every function called, schema-qualified when it was written so, lower case
 * @param decision    the decision for this statement alone
 * @param preparedName for {@code PREPARE name AS …}: the name the session must remember, else {@code null}
 * @param copyOutQuery for {@code COPY table [(columns)] TO STDOUT}: the SELECT of the same columns, else null
 */
public record JudgedStatement(
    String text,
    String fingerprint,
    Set<StatementKind> kinds,
    List<String> tables,
    List<String> functions,
    Decision decision,
    String preparedName,
    String copyOutQuery) {

  public JudgedStatement {
    kinds = Set.copyOf(kinds);
    tables = List.copyOf(tables);
    functions = List.copyOf(functions);
  }

  public JudgedStatement(String text, String fingerprint, Set<StatementKind> kinds, List<String> tables,
      List<String> functions, Decision decision, String preparedName) {
    this(text, fingerprint, kinds, tables, functions, decision, preparedName, null);
  }
}
