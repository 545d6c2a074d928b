package dev.portcullis.policy.sql;

import java.util.List;

/**
 * Renders tokens as text JSqlParser reads the same way PostgreSQL did: every string or dollar-quoted literal
 * becomes {@code ''} (their contents never matter to policy, and JSqlParser lexes E'', U&'' and dollar quotes
 * differently), comments are gone, {@code U&"…"} becomes an ordinary quoted identifier, and {@code $n} becomes a
 * JDBC {@code ?}.
 */
final class Neutralizer {
  private Neutralizer() {}

  static String render(List<Token> tokens, int from, int to) {
    StringBuilder out = new StringBuilder(16 * (to - from));
    for (int i = from; i < to; i++) {
      Token t = tokens.get(i);
      if (i > from) {
        out.append(' ');
      }
      int operatorEnd = qualifiedOperatorEnd(tokens, i, to);
      if (operatorEnd > 0) { // OPERATOR(pg_catalog.~) → ~ (what psql's \d sends; JSqlParser cannot read it)
        out.append(tokens.get(operatorEnd - 1).value());
        i = operatorEnd;
        continue;
      }
      if (t.is("collate")) { // COLLATE name: no relation or call in it, and JSqlParser rejects quoted names
        List<String> ignored = TokenRange.newParts();
        int next = new TokenRange(tokens, from, to).name(i + 1, ignored);
        if (next > 0) {
          i = next - 1;
          continue;
        }
      }
      switch (t.type()) {
        case STRING, DOLLAR_STRING -> out.append("''");
        case QUOTED_IDENT -> StatementSplitter.appendQuoted(out, t.value());
        case PARAM -> out.append('?');
        default -> out.append(t.value());
      }
    }
    return out.toString();
  }

  /**
   * For {@code OPERATOR ( [schema .] op )} starting at {@code i}: the index of the closing parenthesis (so the
   * operator token is just before it); otherwise -1.
   */
  static int qualifiedOperatorEnd(List<Token> tokens, int i, int to) {
    if (!tokens.get(i).is("operator") || i + 1 >= to || tokens.get(i + 1).type() != TokenType.LPAREN) {
      return -1;
    }
    int k = i + 2;
    while (k + 1 < to && tokens.get(k).isName() && tokens.get(k + 1).type() == TokenType.DOT) {
      k += 2;
    }
    if (k + 1 < to && tokens.get(k).type() == TokenType.OPERATOR && tokens.get(k + 1).type() == TokenType.RPAREN) {
      return k + 1;
    }
    return -1;
  }
}
