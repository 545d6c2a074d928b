package dev.portcullis.policy.sql;

/** The text is not lexable as PostgreSQL would lex it; the message is safe to show the client. */
public final class SqlLexException extends RuntimeException {
  public SqlLexException(String message) {
    super(message, null, false, false);
  }
}
