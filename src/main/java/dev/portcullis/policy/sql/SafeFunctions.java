package dev.portcullis.policy.sql;

import java.util.Set;

/**
 * The built-in allow-list of side-effect-free PostgreSQL functions (design-notes §3: functions are allow-listed).
 *
 * <p>The list ({@code safe_functions.txt}, next to this class) is PostgreSQL 15's IMMUTABLE and STABLE pg_catalog
 * functions — string, math, date/time, JSON, array, aggregate, window, conversion — minus everything that reads
 * server files, runs SQL text, touches large objects, sequences, settings, advisory locks or other sessions, plus
 * SQL-syntax functions such as {@code coalesce}. Names a rule lists in {@code functions:} are the policy engine's
 * business; this class only answers for the built-ins. Unknown names — user functions included — are not safe.
 */
public final class SafeFunctions {
  private static final Set<String> SAFE = NameList.load("safe_functions.txt");

  private SafeFunctions() {}

  /**
   * @param functionName lower case, as {@link StatementAnalysis#functions()} reports it, optionally qualified with
   *     {@code pg_catalog.}; any other qualification is a user schema and never safe
   */
  public static boolean isSafe(String functionName) {
    if (functionName == null) {
      return false;
    }
    String name = functionName.startsWith("pg_catalog.") ? functionName.substring("pg_catalog.".length())
        : functionName;
    return name.indexOf('.') < 0 && SAFE.contains(name);
  }

}
