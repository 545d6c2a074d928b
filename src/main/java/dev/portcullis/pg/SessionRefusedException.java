package dev.portcullis.pg;

/**
 * The gateway ends a session on purpose (not admitted, TLS required, a refused startup parameter…). Built only by
 * {@link ErrorReplies}, which owns every SQLSTATE and message the client can see.
 */
final class SessionRefusedException extends RuntimeException {
  private final String sqlState;

  SessionRefusedException(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  String sqlState() {
    return sqlState;
  }
}
