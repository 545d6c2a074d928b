package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies one statement from its tokens. Queries and DML go to JSqlParser (through {@link Neutralizer}) and
 * {@link RelationCollector}; everything JSqlParser cannot model (COPY, SET, EXPLAIN options, utility commands…)
 * is read from the token stream here and in {@link UtilityStatements}. Whatever is not recognized fails closed.
 */
final class StatementClassifier {
  private static final Set<String> QUERY_STARTS =
      Set.of("select", "with", "values", "table", "insert", "update", "delete", "merge");
  private static final int MAX_NESTING = 4;

  private final QueryParser parser;
  private final UtilityStatements utility;

  StatementClassifier(QueryParser parser) {
    this.parser = parser;
    this.utility = new UtilityStatements(this);
  }

  StatementAnalysis classify(List<Token> tokens) {
    Findings f = new Findings();
    statement(new TokenRange(tokens, 0, tokens.size()), f, 0);
    return f.result();
  }

  void statement(TokenRange r, Findings f, int nesting) {
    if (r.isEmpty()) {
      f.fail("empty statement");
      return;
    }
    if (nesting > MAX_NESTING) {
      f.fail("statement nested in EXPLAIN/PREPARE too deeply");
      return;
    }
    if (r.is(r.from(), TokenType.LPAREN)) {
      query(r, f);
      return;
    }
    String kw = r.word(r.from());
    String kw2 = r.word(r.from() + 1);
    switch (kw) {
      case "select", "with", "values", "table", "insert", "update", "delete", "merge" -> query(r, f);
      case "explain" -> explain(r, f, nesting);
      case "prepare" -> {
        if (kw2.equals("transaction")) {
          f.kind(StatementKind.UTILITY);
        } else {
          prepare(r, f, nesting);
        }
      }
      case "execute" -> execute(r, f);
      case "deallocate" -> f.kind(StatementKind.PREPARE);
      case "declare" -> declare(r, f, nesting);
      case "call" -> call(r, f);
      case "do" -> f.fail("DO blocks run arbitrary code");
      case "show" -> f.kind(StatementKind.SHOW);
      case "begin", "start", "savepoint", "release" -> f.kind(StatementKind.TRANSACTION);
      case "commit", "rollback", "abort", "end" ->
          f.kind(kw2.equals("prepared") ? StatementKind.UTILITY : StatementKind.TRANSACTION);
      case "listen", "unlisten", "notify", "fetch", "move", "close", "checkpoint", "discard", "load", "reindex",
          "cluster" -> f.kind(StatementKind.UTILITY);
      default -> utility.classify(kw, r, f);
    }
  }

  /** A SELECT/VALUES/TABLE/WITH/INSERT/UPDATE/DELETE/MERGE, parsed by JSqlParser and cross-checked with tokens. */
  void query(TokenRange r, Findings f) {
    String first = r.is(r.from(), TokenType.LPAREN) ? "(" : r.word(r.from());
    if (!first.equals("(") && !QUERY_STARTS.contains(first)) {
      f.fail("expected a query, found '" + first + "'");
      return;
    }
    QueryParser.Result parsed = parser.parse(Neutralizer.render(r.tokens(), r.from(), r.to()));
    if (parsed.statement() == null) {
      f.fail(parsed.failure());
      return;
    }
    RelationCollector collector = new RelationCollector(f);
    collector.statement(parsed.statement());
    if (collector.selects != r.count("select") || collector.tableStatements != r.count("table")) {
      f.fail("a subquery was not understood");
    }
    if (collector.intos != r.count("into")) {
      f.fail("an INTO clause was not understood");
    }
    TokenCrossCheck.verifyCalls(r, f, collector.cteNames);
    TokenCrossCheck.verifyTables(r, f, collector.cteNames);
    if (locksRows(r)) {
      f.kind(StatementKind.UPDATE); // SELECT … FOR UPDATE/SHARE takes row locks: a write as far as policy cares
    }
  }

  private static boolean locksRows(TokenRange r) {
    for (int i = r.from(); i < r.to(); i++) {
      if (r.at(i).is("for")) {
        String next = r.word(i + 1);
        if (next.equals("update") || next.equals("share") || next.equals("no") && r.word(i + 2).equals("key")
            || next.equals("key") && r.word(i + 2).equals("share")) {
          return true;
        }
      }
    }
    return false;
  }

  /** EXPLAIN [ANALYZE] [VERBOSE] stmt | EXPLAIN (options) stmt: judged as the statement it explains. */
  private void explain(TokenRange r, Findings f, int nesting) {
    int i = r.from() + 1;
    if (r.is(i, TokenType.LPAREN)) {
      int close = r.closing(i);
      if (close < 0) {
        f.fail("unbalanced EXPLAIN options");
        return;
      }
      i = close + 1;
    } else {
      i = r.skip(i, "analyze", "verbose");
      i = r.skip(i, "analyse", "verbose");
    }
    f.kind(StatementKind.EXPLAIN);
    statement(r.from(i), f, nesting + 1);
  }

  /** PREPARE name [(types)] AS stmt. */
  private void prepare(TokenRange r, Findings f, int nesting) {
    int i = r.from() + 1;
    Token name = r.at(i);
    if (name == null || !name.isName()) {
      f.fail("PREPARE without a statement name");
      return;
    }
    i++;
    if (r.is(i, TokenType.LPAREN)) {
      int close = r.closing(i);
      if (close < 0) {
        f.fail("unbalanced PREPARE parameter types");
        return;
      }
      i = close + 1;
    }
    if (!r.word(i).equals("as")) {
      f.fail("PREPARE without AS");
      return;
    }
    f.kind(StatementKind.PREPARE);
    f.preparedName = name.value();
    statement(r.from(i + 1), f, nesting + 1);
  }

  /** EXECUTE name [(args)]: the engine judges the prepared text; the arguments may still call functions. */
  private void execute(TokenRange r, Findings f) {
    int i = r.from() + 1;
    Token name = r.at(i);
    if (name == null || !name.isName()) {
      f.fail("EXECUTE without a statement name");
      return;
    }
    f.kind(StatementKind.PREPARE);
    f.executeName = name.value();
    i++;
    if (r.is(i, TokenType.LPAREN)) {
      int close = r.closing(i);
      if (close != r.to() - 1) {
        f.fail("EXECUTE arguments not understood");
        return;
      }
      expressionsOnly("SELECT", r.slice(i, close + 1), f);
    } else if (i != r.to()) {
      f.fail("EXECUTE not understood");
    }
  }

  /** DECLARE name … CURSOR … FOR query: the query's kinds plus utility. */
  private void declare(TokenRange r, Findings f, int nesting) {
    int cursor = r.find(r.from(), "cursor");
    int forAt = cursor < 0 ? -1 : r.find(cursor, "for");
    if (forAt < 0) {
      f.fail("DECLARE not understood");
      return;
    }
    f.kind(StatementKind.UTILITY);
    TokenRange inner = r.from(forAt + 1);
    String first = inner.word(inner.from());
    if (!first.equals("select") && !first.equals("values") && !first.equals("with") && !first.equals("table")
        && !inner.is(inner.from(), TokenType.LPAREN)) {
      f.fail("DECLARE … FOR must be followed by a query");
      return;
    }
    statement(inner, f, nesting + 1);
  }

  /** CALL proc(args): the procedure is a function call; its arguments are analyzed like a select list. */
  private void call(TokenRange r, Findings f) {
    List<String> parts = TokenRange.newParts();
    int i = r.name(r.from() + 1, parts);
    if (i < 0 || !r.is(i, TokenType.LPAREN) || r.closing(i) != r.to() - 1) {
      f.fail("CALL not understood");
      return;
    }
    f.kind(StatementKind.CALL);
    f.function(TokenRange.joined(parts));
    expressionsOnly("SELECT", r.slice(i, r.to()), f);
  }

  /** Analyzes {@code (expr, …)} as a select list to collect the functions and relations it names. */
  private void expressionsOnly(String prefix, TokenRange args, Findings f) {
    if (args.to() - args.from() <= 2) {
      return; // ()
    }
    Findings sub = new Findings();
    TokenRange wrapped = new TokenRange(
        withPrefix(prefix, args), 0, args.to() - args.from() + 1);
    query(wrapped, sub);
    StatementAnalysis a = sub.result();
    if (!a.understood()) {
      f.fail(a.unsupported());
      return;
    }
    if (!a.kinds().equals(Set.of(StatementKind.SELECT))) {
      f.fail("arguments that modify data are not supported");
      return;
    }
    f.tables.addAll(a.tables());
    f.functions.addAll(a.functions());
  }

  private static List<Token> withPrefix(String keyword, TokenRange r) {
    List<Token> out = new ArrayList<>(r.to() - r.from() + 1);
    out.add(new Token(TokenType.IDENT, keyword.toLowerCase(Locale.ROOT), 0));
    out.addAll(r.tokens().subList(r.from(), r.to()));
    return out;
  }
}
