package dev.portcullis.policy.sql;

import dev.portcullis.policy.StatementKind;
import java.util.HashSet;
import java.util.Set;

/**
 * The safety net behind the JSqlParser walk: every {@code name(} in the token stream must be a call the walk
 * reported, or grammar that cannot be a call; every relation named after FROM or JOIN must be a reported table or
 * a CTE. A call or table hidden in a clause the walk does not visit (or that JSqlParser models as something else)
 * would otherwise escape the policy; here it fails closed.
 */
final class TokenCrossCheck {
  /**
   * PostgreSQL 15's reserved and column-name keywords ({@code pg_get_keywords()} catcode R and C): unquoted, they
   * can never name a function, so {@code word(} is grammar. Plus the type/function-name keywords that are
   * grammar before a parenthesis ({@code JOIN (…)}, {@code LIKE (…)}).
   */
  static final Set<String> GRAMMAR = Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "between", "bigint", "bit",
      "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate", "column",
      "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
      "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", "do",
      "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", "from", "grant",
      "greatest", "group", "grouping", "having", "in", "initially", "inout", "int", "integer", "intersect",
      "interval", "into", "lateral", "leading", "least", "limit", "localtime", "localtimestamp", "national",
      "nchar", "none", "normalize", "not", "null", "nullif", "numeric", "offset", "on", "only", "or", "order",
      "out", "overlay", "placing", "position", "precision", "primary", "real", "references", "returning", "row",
      "select", "session_user", "setof", "smallint", "some", "substring", "symmetric", "table", "then", "time",
      "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values",
      "varchar", "variadic", "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement",
      "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable", "join",
      "like", "ilike", "similar", "overlaps", "is", "isnull", "notnull", "inner", "outer", "cross", "natural",
      "full", "tablesample", "concurrently", "verbose", "freeze", "binary", "collation", "authorization");

  private TokenCrossCheck() {}

  /** SQL functions whose argument syntax contains FROM ({@code extract(year FROM x)}). */
  private static final Set<String> FROM_IN_ARGUMENTS = Set.of("extract", "substring", "trim", "overlay", "position");

  /** Fails {@code f} when a relation after FROM/JOIN in {@code r} is neither a reported table nor a CTE. */
  static void verifyTables(TokenRange r, Findings f, Set<String> cteNames) {
    Set<String> known = new HashSet<>(cteNames);
    for (String table : f.tables) {
      known.add(lastPart(table));
    }
    for (int i = r.from(); i + 1 < r.to(); i++) {
      Token t = r.at(i);
      if (!(t.is("from") || t.is("join")) || t.is("from") && (r.word(i - 1).equals("distinct") || i == r.from()
          || insideArguments(r, i))) {
        continue;
      }
      int j = r.skip(r.skip(i + 1, "lateral"), "only");
      java.util.List<String> parts = TokenRange.newParts();
      int next = r.name(j, parts);
      if (next < 0 || r.is(next, TokenType.LPAREN)) {
        continue; // a subquery (counted elsewhere) or a function in FROM (checked as a call)
      }
      String name = RelationNames.truncate(parts.get(parts.size() - 1));
      if (!known.contains(name)) {
        f.fail("a table reference was not understood: " + name);
        return;
      }
    }
  }

  /** Whether the FROM at {@code i} sits in the argument list of extract/substring/trim/overlay/position. */
  private static boolean insideArguments(TokenRange r, int i) {
    int depth = r.at(i).depth();
    for (int k = i - 1; k > r.from(); k--) {
      Token t = r.at(k);
      if (t.type() == TokenType.LPAREN && t.depth() == depth - 1) {
        return FROM_IN_ARGUMENTS.contains(r.word(k - 1));
      }
    }
    return false;
  }

  /** Fails {@code f} when a {@code name(} in {@code r} is neither a reported call nor grammar. */
  static void verifyCalls(TokenRange r, Findings f, Set<String> cteNames) {
    Set<String> known = new HashSet<>();
    for (String fn : f.functions) {
      known.add(lastPart(fn));
    }
    for (String table : f.tables) {
      known.add(lastPart(table));
    }
    known.addAll(cteNames);
    for (int i = r.from(); i + 1 < r.to(); i++) {
      Token name = r.at(i);
      if (!name.isName() || r.at(i + 1).type() != TokenType.LPAREN) {
        continue;
      }
      String v = name.value();
      if (name.type() == TokenType.IDENT && GRAMMAR.contains(v) || known.contains(v)
          || Neutralizer.qualifiedOperatorEnd(r.tokens(), i, r.to()) > 0) {
        continue;
      }
      int start = i;
      while (start - 2 >= r.from() && r.is(start - 1, TokenType.DOT) && r.at(start - 2).isName()) {
        start -= 2;
      }
      Token prev = start > r.from() ? r.at(start - 1) : null;
      if (!isGrammarAfter(prev, v, f)) {
        f.fail("a function call was not understood: " + v);
        return;
      }
    }
  }

  /** Contexts where {@code name(} is an alias column list, a type modifier or a clause, never a call. */
  private static boolean isGrammarAfter(Token prev, String v, Findings f) {
    if (prev != null && (prev.type() == TokenType.RPAREN || prev.type() == TokenType.TYPECAST || prev.is("as"))) {
      return true; // (…) alias(cols), ::numeric(10,2), CAST(x AS varchar(3)), FILTER/OVER after a call
    }
    switch (v) {
      case "varying":
        return true; // character varying(20)
      case "rollup", "cube":
        return prev != null && (prev.is("by") || prev.type() == TokenType.COMMA || prev.type() == TokenType.LPAREN);
      case "sets":
        return prev != null && prev.is("grouping");
      case "system", "bernoulli":
        return prev != null && prev.is("tablesample");
      case "set":
        return prev != null && prev.isName() && f.kinds.contains(StatementKind.UPDATE); // SET (a, b) = (…)
      case "conflict":
        return prev != null && prev.is("on") && f.kinds.contains(StatementKind.INSERT);
      default:
        return false;
    }
  }

  private static String lastPart(String dotted) {
    int dot = dotted.lastIndexOf('.');
    return dot < 0 ? dotted : dotted.substring(dot + 1);
  }
}
