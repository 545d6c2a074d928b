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
      switch (t.type()) {
        case STRING, DOLLAR_STRING -> out.append("''");
        case QUOTED_IDENT -> StatementSplitter.appendQuoted(out, t.value());
        case PARAM -> out.append('?');
        default -> out.append(t.value());
      }
    }
    return out.toString();
  }
}
