package dev.portcullis.policy.sql;

import java.util.List;

/**
 * The PostgreSQL {@link SqlAnalyzer}: splitting and fingerprinting with {@link PgLexer}, analysis with
 * {@link StatementClassifier} (token stream first, JSqlParser for queries and DML).
 */
public final class PostgresSqlAnalyzer implements SqlAnalyzer {
  @Override
  public List<LexedStatement> split(String sql) {
    return StatementSplitter.split(sql);
  }

  @Override
  public StatementAnalysis analyze(LexedStatement statement) {
    return StatementAnalysis.unsupported("analysis not implemented yet");
  }
}
