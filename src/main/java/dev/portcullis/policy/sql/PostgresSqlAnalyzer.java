package dev.portcullis.policy.sql;

import java.util.List;

/**
 * The PostgreSQL {@link SqlAnalyzer}: splitting and fingerprinting with {@link PgLexer} (fast, event-loop safe),
 * analysis with {@link StatementClassifier} (token stream first, JSqlParser for queries and DML, on a shared
 * bounded pool with a timeout). Bounded: statements longer than {@link #maxLength} characters or nested deeper than
 * {@link #maxDepth} parentheses are answered {@code unsupported} before any parser sees them.
 */
public final class PostgresSqlAnalyzer implements SqlAnalyzer {
  public static final int DEFAULT_MAX_LENGTH = 256 * 1024;
  public static final int DEFAULT_MAX_DEPTH = 64;
  public static final long DEFAULT_PARSE_TIMEOUT_MILLIS = 2000;

  private final int maxLength;
  private final int maxDepth;
  private final StatementClassifier classifier;

  public PostgresSqlAnalyzer() {
    this(DEFAULT_MAX_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_PARSE_TIMEOUT_MILLIS);
  }

  public PostgresSqlAnalyzer(int maxLength, int maxDepth, long parseTimeoutMillis) {
    this.maxLength = maxLength;
    this.maxDepth = maxDepth;
    this.classifier = new StatementClassifier(QueryParser.shared(parseTimeoutMillis));
  }

  @Override
  public List<LexedStatement> split(String sql) {
    return StatementSplitter.split(sql);
  }

  /**
   * Recursion a parser goes through without a parenthesis to count: CASE inside CASE, and chains of prefix
   * operators ({@code NOT NOT NOT …}, {@code - - - 1}). Bounded like parentheses.
   */
  private String nestingWithoutParentheses(List<Token> tokens) {
    int caseDepth = 0;
    int prefixRun = 0;
    for (Token t : tokens) {
      if (t.type() == TokenType.SEMICOLON) {
        return "one statement expected, found several (split first)";
      }
      if (t.is("case")) {
        if (++caseDepth > maxDepth) {
          return "CASE nested deeper than " + maxDepth;
        }
      } else if (t.is("end") && caseDepth > 0) {
        caseDepth--;
      }
      prefixRun = t.is("not") || t.type() == TokenType.OPERATOR ? prefixRun + 1 : 0;
      if (prefixRun > maxDepth) {
        return "more than " + maxDepth + " operators in a row";
      }
    }
    return null;
  }

  @Override
  public StatementAnalysis analyze(LexedStatement statement) {
    String text = statement.text();
    if (text.length() > maxLength) {
      return StatementAnalysis.unsupported("statement longer than " + maxLength + " characters");
    }
    Token.Lexed lexed;
    try {
      lexed = Token.lex(text, maxDepth);
    } catch (SqlLexException e) {
      return StatementAnalysis.unsupported(e.getMessage());
    }
    if (lexed.maxDepth() > maxDepth) {
      return StatementAnalysis.unsupported("statement nested deeper than " + maxDepth + " parentheses");
    }
    String tooDeep = nestingWithoutParentheses(lexed.tokens());
    if (tooDeep != null) {
      return StatementAnalysis.unsupported(tooDeep);
    }
    try {
      return classifier.classify(lexed.tokens());
    } catch (RuntimeException | StackOverflowError e) {
      // fail closed on anything the walkers did not foresee (JSqlParser ASTs hold surprises)
      return StatementAnalysis.unsupported("statement not understood: " + e.getClass().getSimpleName());
    }
  }
}
