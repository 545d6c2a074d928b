package dev.portcullis.policy.sql;

import java.util.List;
import java.util.Set;

/**
 * Function calls inside DDL, read from tokens (JSqlParser does not model most DDL). They matter because DDL runs
 * them at once ({@code ALTER TABLE … ADD CHECK (f(x))} and {@code … TYPE … USING f(x)} evaluate on every row) or
 * later on behalf of others (DEFAULT, generated columns, trigger functions). A {@code name(} counts as a call
 * unless its context shows a relation, a type modifier, a declaration or grammar; a wrong guess is a stricter
 * decision (an unknown "function" is not allowed), never a missed call in the contexts listed here.
 */
final class DdlCalls {
  /** Words after which {@code name(} declares or names something instead of calling it. */
  private static final Set<String> DECLARING = Set.of("table", "on", "references", "aggregate", "index", "view",
      "trigger", "type", "domain", "sequence", "by", "into", "exists", "statistics", "only", "of", "to", "from");

  private DdlCalls() {}

  /** Signatures, not calls: DROP …, ALTER FUNCTION f(int) …. */
  private static final Set<String> SIGNATURE_OBJECTS = Set.of("function", "procedure", "routine", "aggregate");

  static void collect(TokenRange r, Findings f) {
    String verb = r.word(r.from());
    if (verb.equals("drop") || verb.equals("alter") && SIGNATURE_OBJECTS.contains(r.word(r.from() + 1))) {
      return;
    }
    boolean createIndex = r.word(r.from()).equals("create") && r.find(r.from(), "index") >= 0;
    for (int i = r.from(); i + 1 < r.to(); i++) {
      Token name = r.at(i);
      if (!name.isName() || !r.is(i + 1, TokenType.LPAREN)
          || name.type() == TokenType.IDENT && TokenCrossCheck.GRAMMAR.contains(name.value())) {
        continue;
      }
      int start = i;
      List<String> parts = TokenRange.newParts();
      while (start - 2 >= r.from() && r.is(start - 1, TokenType.DOT) && r.at(start - 2).isName()) {
        start -= 2;
      }
      r.name(start, parts);
      Token prev = start > r.from() ? r.at(start - 1) : null;
      String before = start - 2 >= r.from() ? r.word(start - 2) : "";
      if (isCall(prev, before, name.value(), createIndex)) {
        f.function(TokenRange.joined(parts));
      }
    }
  }

  private static boolean isCall(Token prev, String before, String name, boolean createIndex) {
    if (prev == null || prev.type() == TokenType.RPAREN || prev.type() == TokenType.TYPECAST) {
      return false; // INHERITS (…), INCLUDE (…) after a list; x::type(…)
    }
    if (prev.type() != TokenType.IDENT) {
      return prev.type() != TokenType.QUOTED_IDENT; // a quoted column name before a type modifier
    }
    String p = prev.value();
    if (p.equals("function") || p.equals("procedure")) {
      return before.equals("execute") || before.equals("with"); // EXECUTE FUNCTION f(), WITH FUNCTION f(t)
    }
    if (p.equals("using")) {
      return !(createIndex || before.equals("exclude")); // index method vs ALTER … TYPE … USING f(x)
    }
    if (p.equals("as")) {
      return !name.equals("enum") && !name.equals("range"); // CREATE TYPE t AS ENUM (…)
    }
    if ((p.equals("primary") || p.equals("foreign")) && name.equals("key")) {
      return false;
    }
    if (DECLARING.contains(p)) {
      return false;
    }
    return TokenCrossCheck.GRAMMAR.contains(p); // DEFAULT f(), CHECK (… f()), AND f(): a call; column type(n): not
  }
}
