package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Statements read from the token stream alone: SET/RESET, COPY, TRUNCATE, LOCK, VACUUM/ANALYZE, DCL and DDL.
 * Each method recognizes the statement's documented grammar far enough to name its kind, setting and relations.
 */
final class UtilityStatements {
  private static final Set<String> ROLE_OBJECTS = Set.of("role", "user", "group");
  private static final Set<String> QUERY_WORDS = Set.of("select", "with", "values", "table");

  private final StatementClassifier classifier;

  UtilityStatements(StatementClassifier classifier) {
    this.classifier = classifier;
  }

  void classify(String kw, TokenRange r, Findings f) {
    switch (kw) {
      case "set" -> set(r, f);
      case "reset" -> reset(r, f);
      case "copy" -> copy(r, f);
      case "truncate" -> {
        // TRUNCATE empties tables: ddl, and a delete as far as a rule on deletes is concerned
        f.kind(StatementKind.DDL).kind(StatementKind.DELETE);
        relationList(r, r.skip(r.from() + 1, "table"), f);
      }
      case "lock" -> {
        f.kind(StatementKind.UTILITY);
        relationList(r, r.skip(r.from() + 1, "table"), f);
      }
      case "vacuum", "analyze", "analyse" -> {
        f.kind(StatementKind.UTILITY);
        int i = r.from() + 1;
        if (r.is(i, TokenType.LPAREN)) {
          i = r.closing(i) + 1;
          if (i == 0) {
            f.fail("unbalanced options");
            return;
          }
        }
        i = r.skip(i, "full", "freeze", "verbose", "analyze", "analyse");
        if (i < r.to()) {
          relationList(r, i, f);
        }
      }
      case "grant", "revoke", "reassign" -> f.kind(StatementKind.DCL);
      case "create", "alter", "drop" -> ddl(kw, r, f);
      case "comment", "security", "import" -> f.kind(StatementKind.DDL); // no expressions in these
      case "refresh" -> {
        f.kind(StatementKind.DDL).kind(StatementKind.INSERT);
        int i = r.skip(r.from() + 1, "materialized", "view", "concurrently");
        relationList(r, i, f);
      }
      default -> f.fail("unrecognized statement '" + kw + "'");
    }
  }

  /** SET [SESSION|LOCAL] name {TO|=} …, SET ROLE, SET SESSION AUTHORIZATION, SET TIME ZONE, SET TRANSACTION… */
  private static void set(TokenRange r, Findings f) {
    int i = r.from() + 1;
    while (r.word(i).equals("session") && !r.word(i + 1).equals("authorization")
        && !r.word(i + 1).equals("characteristics") || r.word(i).equals("local")) {
      i++;
    }
    String w = r.word(i);
    if (w.equals("session")) {
      i++;
      w = r.word(i);
    }
    if (w.equals("transaction") || w.equals("characteristics")) {
      f.kind(StatementKind.TRANSACTION);
      return;
    }
    f.kind(StatementKind.SET);
    f.setting = switch (w) {
      case "authorization" -> "session_authorization";
      case "time" -> "timezone";
      case "names" -> "client_encoding";
      case "schema" -> "search_path";
      case "xml" -> "xmloption";
      default -> settingName(r, i, f);
    };
  }

  /** RESET name | RESET ALL | RESET ROLE | RESET SESSION AUTHORIZATION | RESET TIME ZONE. */
  private static void reset(TokenRange r, Findings f) {
    int i = r.from() + 1;
    f.kind(StatementKind.SET);
    f.setting = switch (r.word(i)) {
      case "session" -> "session_authorization";
      case "time" -> "timezone";
      default -> settingName(r, i, f);
    };
  }

  private static String settingName(TokenRange r, int i, Findings f) {
    List<String> parts = TokenRange.newParts();
    if (r.name(i, parts) < 0) {
      f.fail("SET/RESET without a parameter name");
      return null;
    }
    return TokenRange.joined(parts).toLowerCase(Locale.ROOT);
  }

  /**
   * COPY table [(cols)] FROM STDIN / TO STDOUT, COPY (query) TO STDOUT. A server file or PROGRAM is refused:
   * it reads or writes the database server's file system or runs a shell command there.
   */
  private void copy(TokenRange r, Findings f) {
    int start = r.from() + 1;
    int i = r.skip(start, "binary");
    boolean binary = i != start;
    String table = null;
    String columns = null;
    f.kind(StatementKind.COPY);
    if (r.is(i, TokenType.LPAREN)) {
      int close = r.closing(i);
      if (close < 0) {
        f.fail("unbalanced COPY query");
        return;
      }
      classifier.statement(r.slice(i + 1, close), f, 1);
      i = close + 1;
    } else {
      List<String> parts = TokenRange.newParts();
      i = r.name(i, parts);
      if (i < 0) {
        f.fail("COPY without a table");
        return;
      }
      if (RelationNames.ambiguous(parts)) {
        f.fail("a relation name containing '.' is not supported");
        return;
      }
      f.table(RelationNames.resolve(parts));
      table = quoted(parts); // as written: the probe must resolve through search_path exactly as the COPY does
      if (r.is(i, TokenType.LPAREN)) {
        int close = r.closing(i);
        if (close < 0) {
          f.fail("unbalanced COPY column list");
          return;
        }
        columns = columnList(r, i + 1, close);
        i = close + 1;
      } else {
        columns = "*";
      }
    }
    String direction = r.word(i);
    if (direction.equals("to")) {
      f.kind(StatementKind.SELECT);
    } else if (direction.equals("from")) {
      f.kind(StatementKind.INSERT);
    } else {
      f.fail("COPY without FROM or TO");
      return;
    }
    String target = r.word(i + 1);
    if (target.equals("program")) {
      f.fail("COPY … PROGRAM runs a shell command on the database server");
    } else if (r.is(i + 1, TokenType.STRING) || r.is(i + 1, TokenType.DOLLAR_STRING)) {
      f.fail("COPY to or from a file on the database server");
    } else if (!target.equals("stdin") && !target.equals("stdout")) {
      f.fail("COPY target not understood");
    } else if (r.find(i + 1, "where") >= 0) {
      f.fail("COPY … WHERE is not supported");
    } else if (direction.equals("to") && table != null && columns != null && !binary && i + 2 >= r.to()) {
      // No options: the default text format, whose rows masking can rewrite (design of the masked COPY path)
      f.copyOutQuery = "SELECT " + columns + " FROM " + table;
    }
  }

  /** {@code "a", "b"} from the names of a COPY column list, or {@code null} when it holds anything else. */
  private static String columnList(TokenRange r, int from, int close) {
    StringBuilder out = new StringBuilder();
    for (int k = from; k < close; k++) {
      Token t = r.at(k);
      boolean name = (k - from) % 2 == 0;
      if (name && t.isName()) {
        out.append(out.length() == 0 ? "" : ", ").append(quoted(List.of(t.value())));
      } else if (name || t.type() != TokenType.COMMA) {
        return null;
      }
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** A name's parts (already folded or unquoted by the lexer), each double-quoted again, joined by dots. */
  private static String quoted(List<String> parts) {
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      out.append(out.length() == 0 ? "" : ".").append('"').append(part.replace("\"", "\"\"")).append('"');
    }
    return out.toString();
  }

  private void ddl(String verb, TokenRange r, Findings f) {
    int i = r.skip(r.from() + 1, "or", "replace");
    i = r.skip(i, "global", "local");
    i = r.skip(i, "temp", "temporary", "unlogged", "recursive", "unique");
    String object = r.word(i);
    if (ROLE_OBJECTS.contains(object) || verb.equals("alter") && object.equals("default")
        || verb.equals("drop") && object.equals("owned")) {
      f.kind(StatementKind.DCL);
      return;
    }
    if (verb.equals("alter") && object.equals("system")) {
      f.fail("ALTER SYSTEM changes the server's configuration");
      return;
    }
    f.kind(StatementKind.DDL);
    DdlCalls.collect(r, f);
    // CREATE TABLE … AS and CREATE MATERIALIZED VIEW … AS store the query's rows; a plain view does not
    boolean storesRows = !object.equals("view");
    if (object.equals("materialized") || object.equals("foreign")) {
      i++;
      object = r.word(i);
    }
    switch (object) {
      case "table", "view", "sequence" -> relation(verb, storesRows, r, i + 1, f);
      case "index", "trigger", "policy", "rule" -> {
        int on = r.find(i + 1, "on");
        if (on >= 0) {
          relationList(r, r.skip(on + 1, "only"), f);
        }
      }
      case "function", "procedure" -> {
        for (int k = r.from(); k + 1 < r.to(); k++) {
          if (r.at(k).is("begin") && r.at(k + 1).is("atomic") && r.at(k).depth() == 0) {
            f.fail("BEGIN ATOMIC function bodies are not supported");
          }
        }
      }
      default -> { }
    }
  }

  /** CREATE|ALTER|DROP TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE; CREATE … AS query also reads (and writes). */
  private void relation(String verb, boolean storesRows, TokenRange r, int i, Findings f) {
    i = r.skip(i, "if", "not", "exists");
    i = r.skip(i, "only");
    if (verb.equals("drop")) {
      relationList(r, i, f);
      return;
    }
    List<String> parts = TokenRange.newParts();
    if (r.name(i, parts) < 0) {
      f.fail("DDL statement without a relation name");
      return;
    }
    if (RelationNames.ambiguous(parts)) {
      f.fail("a relation name containing '.' is not supported");
      return;
    }
    f.table(RelationNames.resolve(parts));
    if (!verb.equals("create")) {
      return;
    }
    int as = r.find(i, "as");
    if (as >= 0 && (QUERY_WORDS.contains(r.word(as + 1)) || r.is(as + 1, TokenType.LPAREN))) {
      if (storesRows) {
        f.kind(StatementKind.INSERT);
      }
      int end = r.find(as, "with");
      boolean withData = end > as && (r.word(end + 1).equals("data") || r.word(end + 1).equals("no"));
      classifier.query(r.slice(as + 1, withData ? end : r.to()), f);
    } else if (as >= 0 && r.word(as + 1).equals("execute")) {
      f.fail("CREATE TABLE … AS EXECUTE is not supported");
    }
  }

  /** A comma-separated list of relations, each maybe with ONLY, {@code *} or a column list; options after it. */
  private static void relationList(TokenRange r, int i, Findings f) {
    while (true) {
      i = r.skip(i, "only");
      List<String> parts = TokenRange.newParts();
      int next = r.name(i, parts);
      if (next < 0) {
        f.fail("relation name expected");
        return;
      }
      if (RelationNames.ambiguous(parts)) {
        f.fail("a relation name containing '.' is not supported");
        return;
      }
      f.table(RelationNames.resolve(parts));
      i = next;
      if (r.is(i, TokenType.OPERATOR) && r.at(i).value().equals("*")) {
        i++;
      }
      if (r.is(i, TokenType.LPAREN)) {
        i = r.closing(i) + 1;
        if (i == 0) {
          f.fail("unbalanced parentheses");
          return;
        }
      }
      if (!r.is(i, TokenType.COMMA)) {
        return;
      }
      i++;
    }
  }
}
