package dev.portcullis.pg.codec;

/**
 * Type bytes and startup codes of the PostgreSQL wire protocol 3.0 that the gateway reads or writes.
 * Frontend = sent by clients, backend = sent by the server (and by the gateway in the server's place).
 */
public final class MessageTypes {
  // Startup-phase request codes (the int after the length of an untyped message).
  public static final int PROTOCOL_3_0 = 196608; // 3 << 16
  public static final int SSL_REQUEST_CODE = 80877103;
  public static final int GSSENC_REQUEST_CODE = 80877104;
  public static final int CANCEL_REQUEST_CODE = 80877102;

  // Frontend
  public static final byte FRONTEND_QUERY = 'Q';
  public static final byte FRONTEND_PARSE = 'P';
  public static final byte FRONTEND_BIND = 'B';
  public static final byte FRONTEND_EXECUTE = 'E';
  public static final byte FRONTEND_DESCRIBE = 'D';
  public static final byte FRONTEND_CLOSE = 'C';
  public static final byte FRONTEND_FLUSH = 'H';
  public static final byte FRONTEND_SYNC = 'S';
  public static final byte FRONTEND_TERMINATE = 'X';
  public static final byte FRONTEND_FUNCTION_CALL = 'F';
  public static final byte FRONTEND_COPY_DATA = 'd';
  public static final byte FRONTEND_COPY_DONE = 'c';
  public static final byte FRONTEND_COPY_FAIL = 'f';
  /** PasswordMessage, and also SASL/GSS responses (the gateway only asks for a cleartext password). */
  public static final byte FRONTEND_PASSWORD = 'p';

  // Backend
  public static final byte BACKEND_AUTHENTICATION = 'R';
  public static final byte BACKEND_PARAMETER_STATUS = 'S';
  public static final byte BACKEND_KEY_DATA = 'K';
  public static final byte BACKEND_READY_FOR_QUERY = 'Z';
  public static final byte BACKEND_ERROR_RESPONSE = 'E';
  public static final byte BACKEND_NOTICE_RESPONSE = 'N';
  public static final byte BACKEND_COMMAND_COMPLETE = 'C';
  public static final byte BACKEND_EMPTY_QUERY_RESPONSE = 'I';
  public static final byte BACKEND_PORTAL_SUSPENDED = 's';
  public static final byte BACKEND_NEGOTIATE_PROTOCOL_VERSION = 'v';
  public static final byte BACKEND_ROW_DESCRIPTION = 'T';
  public static final byte BACKEND_NO_DATA = 'n';
  public static final byte BACKEND_DATA_ROW = 'D';
  public static final byte BACKEND_NOTIFICATION_RESPONSE = 'A';
  public static final byte BACKEND_PARSE_COMPLETE = '1';
  public static final byte BACKEND_PARAMETER_DESCRIPTION = 't';
  public static final byte BACKEND_COPY_OUT_RESPONSE = 'H';
  public static final byte BACKEND_COPY_DATA = 'd';

  // Authentication request codes (the int after 'R').
  public static final int AUTH_OK = 0;
  public static final int AUTH_CLEARTEXT_PASSWORD = 3;

  // ReadyForQuery transaction status.
  public static final byte TX_IDLE = 'I';
  public static final byte TX_IN_BLOCK = 'T';
  public static final byte TX_FAILED = 'E';

  /** PostgreSQL's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH). */
  public static final int MAX_STARTUP_PACKET_BYTES = 10_000;

  private MessageTypes() {}

  /** Whether {@code type} is a message a client may send after startup. */
  public static boolean isFrontendType(byte type) {
    switch (type) {
      case FRONTEND_QUERY, FRONTEND_PARSE, FRONTEND_BIND, FRONTEND_EXECUTE, FRONTEND_DESCRIBE, FRONTEND_CLOSE,
          FRONTEND_FLUSH, FRONTEND_SYNC, FRONTEND_TERMINATE, FRONTEND_FUNCTION_CALL, FRONTEND_COPY_DATA,
          FRONTEND_COPY_DONE, FRONTEND_COPY_FAIL, FRONTEND_PASSWORD:
        return true;
      default:
        return false;
    }
  }
}
