package dev.portcullis.pg.codec;

/**
 * The client broke the protocol (or a limit). Carries the SQLSTATE the client is told; the message is safe to show
 * (it never contains message bytes). The session answers with a FATAL ErrorResponse and closes.
 */
public final class PgProtocolException extends RuntimeException {
  /** 08P01 protocol_violation. */
  public static final String PROTOCOL_VIOLATION = "08P01";
  /** 54000 program_limit_exceeded. */
  public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
  /** 22021 character_not_in_repertoire. */
  public static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
  /** 0A000 feature_not_supported. */
  public static final String FEATURE_NOT_SUPPORTED = "0A000";

  private final String sqlState;

  public PgProtocolException(String sqlState, String message) {
    super(message, null, false, false);
    this.sqlState = sqlState;
  }

  public static PgProtocolException violation(String message) {
    return new PgProtocolException(PROTOCOL_VIOLATION, message);
  }

  public String sqlState() {
    return sqlState;
  }
}
