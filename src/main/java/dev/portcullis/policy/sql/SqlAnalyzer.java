package dev.portcullis.policy.sql;

import java.util.List;

/**
 * The SQL front half of policy evaluation.
 *
 * <p>{@link #split} is a fast lexer pass, safe to call on an event loop. {@link #analyze} may parse with JSqlParser
 * and so must run on a worker thread; it is bounded in time and nesting depth and never throws for bad input.
 */
public interface SqlAnalyzer {
  /**
   * Cuts a Query/Parse message into statements. Empty statements (stray {@code ;}) are dropped.
   *
   * @throws SqlLexException when the text cannot be lexed as PostgreSQL would (unterminated quote or comment,
   *     invalid escape); the message is then refused as a whole
   */
  List<LexedStatement> split(String sql);

  /** What the statement does; {@link StatementAnalysis#unsupported()} says why not when it cannot tell. */
  StatementAnalysis analyze(LexedStatement statement);
}
