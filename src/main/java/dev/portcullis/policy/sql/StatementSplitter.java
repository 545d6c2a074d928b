package dev.portcullis.policy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cuts a message into statements at top-level {@code ;} and fingerprints each one in the same single lexer pass.
 *
 * <p>The fingerprint is a canonical rendering of the token stream: literals become {@code ?}, comments vanish,
 * unquoted identifiers and keywords are folded, quoted identifiers are re-quoted from their decoded value (so
 * {@code U&"d\0061t"} and {@code "dat"} agree), and spacing follows fixed rules instead of the input's, so equal
 * fingerprints mean equal token shapes. {@code $n} parameters and every keyword (EXPLAIN options included) stay.
 */
final class StatementSplitter {
  /** Keywords that keep a space before {@code (} so the fingerprint reads {@code in (?)}, not {@code in(?)}. */
  private static final Set<String> SPACED_KEYWORDS = Set.of("as", "in", "exists", "any", "all", "some", "and",
      "or", "not", "on", "using", "values", "lateral", "then", "else", "when", "from", "join", "where", "select",
      "by", "union", "intersect", "except", "returning", "set", "into", "case", "is", "with", "filter", "over",
      "group", "conflict", "explain", "limit", "offset", "having", "distinct", "copy", "array", "row");

  private StatementSplitter() {}

  static List<LexedStatement> split(String sql) {
    List<LexedStatement> out = new ArrayList<>(2);
    PgLexer lexer = new PgLexer(sql);
    StringBuilder fp = new StringBuilder(Math.min(sql.length(), 1024));
    int stmtStart = 0;
    TokenType prev = null;
    int prevStart = 0;
    while (true) {
      TokenType t = lexer.next();
      if (t == TokenType.EOF || t == TokenType.SEMICOLON) {
        if (prev != null) {
          out.add(new LexedStatement(trim(sql, stmtStart, lexer.start()), fp.toString()));
        }
        if (t == TokenType.EOF) {
          return out;
        }
        stmtStart = lexer.end();
        fp.setLength(0);
        prev = null;
        continue;
      }
      if (prev != null && spaceBetween(prev, t == TokenType.LPAREN && prev == TokenType.IDENT
          && SPACED_KEYWORDS.contains(fp.substring(prevStart)), t)) {
        fp.append(' ');
      }
      prevStart = fp.length();
      appendToken(fp, lexer, t);
      prev = t;
    }
  }

  private static void appendToken(StringBuilder fp, PgLexer lexer, TokenType t) {
    switch (t) {
      case STRING, DOLLAR_STRING, NUMBER -> fp.append('?');
      case IDENT -> lexer.appendFolded(fp);
      case QUOTED_IDENT -> appendQuoted(fp, lexer.identifierValue());
      case OPERATOR -> {
        // a literal also prints as ?: jsonb's ?, ?| and ?& print as OPERATOR(…) so shapes never collide
        // (upper case cannot come from a folded identifier)
        boolean question = false;
        for (int i = lexer.start(); i < lexer.end(); i++) {
          question |= lexer.source().charAt(i) == '?';
        }
        if (question) {
          fp.append("OPERATOR(").append(lexer.source(), lexer.start(), lexer.end()).append(')');
        } else {
          fp.append(lexer.source(), lexer.start(), lexer.end());
        }
      }
      default -> fp.append(lexer.source(), lexer.start(), lexer.end());
    }
  }

  static void appendQuoted(StringBuilder out, String name) {
    out.append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      out.append(c);
      if (c == '"') {
        out.append('"');
      }
    }
    out.append('"');
  }

  /** Fixed spacing: {@code f(a, b)}, {@code s.t}, {@code x::int}, {@code a[?]}; a space everywhere else. */
  private static boolean spaceBetween(TokenType prev, boolean prevKeyword, TokenType t) {
    switch (prev) {
      case LPAREN, LBRACKET, DOT, TYPECAST:
        return false;
      default:
        break;
    }
    switch (t) {
      case COMMA, RPAREN, RBRACKET, DOT, TYPECAST, LBRACKET:
        return false;
      case LPAREN:
        return prev != TokenType.IDENT && prev != TokenType.QUOTED_IDENT || prevKeyword;
      default:
        return true;
    }
  }

  private static String trim(String sql, int from, int to) {
    while (from < to && isSpace(sql.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(sql.charAt(to - 1))) {
      to--;
    }
    return sql.substring(from, to);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }
}
