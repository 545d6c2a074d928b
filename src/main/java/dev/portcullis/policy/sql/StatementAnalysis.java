package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.Set;

/**
 * What one statement does, as far as policy cares. Produced by {@link SqlAnalyzer#analyze}.
 *
 * @param kinds        every kind (a data-modifying CTE is select + delete; {@code EXPLAIN x} has x's kinds;
 *                     {@code PREPARE p AS x} has x's kinds plus {@code prepare})
 * @param tables       relations read or written, {@code schema.name} lower case; unqualified names resolved as
 *                     PostgreSQL does with {@code search_path = "$user", public} (pg_catalog names first)
 * @param functions    functions called, lower case, qualified as written ({@code pg_catalog.now} or {@code now})
 * @param setting      for SET/RESET/SET ROLE/SET SESSION AUTHORIZATION: the parameter name lower case
 *                     ({@code role}, {@code session_authorization}, {@code search_path}, …), else {@code null}
 * @param preparedName for {@code PREPARE name …}: the name, else {@code null}
 * @param executeName  for {@code EXECUTE name …}: the name (the engine judges the prepared text instead), else null
 * @param unsupported  {@code null} when understood; otherwise why not (the statement is then denied: fail closed)
 * @param copyOutQuery for {@code COPY table [(columns)] TO STDOUT} without options: the SELECT whose columns the
 *                     COPY writes (masking describes it to learn where each column comes from), else {@code null}
 */
public record StatementAnalysis(
    Set<StatementKind> kinds,
    Set<String> tables,
    Set<String> functions,
    String setting,
    String preparedName,
    String executeName,
    String unsupported,
    String copyOutQuery) {

  public StatementAnalysis {
    kinds = Set.copyOf(kinds);
    tables = Set.copyOf(tables);
    functions = Set.copyOf(functions);
  }

  public StatementAnalysis(Set<StatementKind> kinds, Set<String> tables, Set<String> functions, String setting,
      String preparedName, String executeName, String unsupported) {
    this(kinds, tables, functions, setting, preparedName, executeName, unsupported, null);
  }

  public static StatementAnalysis unsupported(String why) {
    return new StatementAnalysis(Set.of(), Set.of(), Set.of(), null, null, null, why);
  }

  public boolean understood() {
    return unsupported == null;
  }
}
