package dev.portcullis.policy.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * One token of a statement under analysis.
 *
 * @param type  the token class
 * @param value identifiers: the name as PostgreSQL sees it (folded, or decoded from quotes); others: the raw text
 * @param depth parenthesis/bracket nesting depth at the token (an opening parenthesis carries the outer depth)
 */
record Token(TokenType type, String value, int depth) {

  boolean is(String keyword) {
    return type == TokenType.IDENT && value.equals(keyword);
  }

  boolean isName() {
    return type == TokenType.IDENT || type == TokenType.QUOTED_IDENT;
  }

  /**
   * Lexes a statement into tokens; stops early (returning what it has and the depth reached) once nesting exceeds
   * {@code depthLimit}, so that absurd input costs no more than the limit.
   */
  static Lexed lex(String text, int depthLimit) {
    PgLexer lexer = new PgLexer(text);
    List<Token> out = new ArrayList<>();
    int depth = 0;
    int max = 0;
    for (TokenType t = lexer.next(); t != TokenType.EOF; t = lexer.next()) {
      if (t == TokenType.RPAREN || t == TokenType.RBRACKET) {
        depth = Math.max(0, depth - 1);
      }
      String value = t == TokenType.IDENT || t == TokenType.QUOTED_IDENT ? lexer.identifierValue() : lexer.text();
      out.add(new Token(t, value, depth));
      if (t == TokenType.LPAREN || t == TokenType.LBRACKET) {
        max = Math.max(max, ++depth);
        if (max > depthLimit) {
          break;
        }
      }
    }
    return new Lexed(out, max);
  }

  /** A statement's tokens and the deepest parenthesis nesting seen. */
  record Lexed(List<Token> tokens, int maxDepth) {}
}
