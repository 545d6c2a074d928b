package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** The mutable accumulator behind one {@link StatementAnalysis}; the first {@link #fail} reason wins. */
final class Findings {
  final Set<StatementKind> kinds = EnumSet.noneOf(StatementKind.class);
  final Set<String> tables = new LinkedHashSet<>();
  final Set<String> functions = new LinkedHashSet<>();
  String setting;
  String preparedName;
  String executeName;
  String copyOutQuery;
  private String unsupported;

  Findings kind(StatementKind kind) {
    kinds.add(kind);
    return this;
  }

  void table(String qualifiedName) {
    tables.add(qualifiedName);
  }

  void function(String name) {
    functions.add(name);
  }

  void fail(String why) {
    if (unsupported == null) {
      unsupported = why;
    }
  }

  boolean failed() {
    return unsupported != null;
  }

  StatementAnalysis result() {
    if (unsupported != null) {
      return StatementAnalysis.unsupported(unsupported);
    }
    if (kinds.isEmpty()) {
      return StatementAnalysis.unsupported("statement not classified");
    }
    return new StatementAnalysis(kinds, tables, functions, setting, preparedName, executeName, null, copyOutQuery);
  }
}
