package dev.portcullis.pg;

import dev.portcullis.pg.codec.QueryMessage;
import io.vertx.core.buffer.Buffer;

/**
 * Builds the simple Query the gateway sends the backend in place of a refused message, so that the server itself
 * raises the refusal: it aborts an open transaction exactly as a failed statement would (COMMIT becomes ROLLBACK),
 * and its ErrorResponse and ReadyForQuery arrive in order after the replies to earlier pipelined messages.
 *
 * <pre>
 * DO $portcullis$ BEGIN RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = '…', SCHEMA = '&lt;marker&gt;'; END $portcullis$
 * </pre>
 *
 * The SCHEMA field carries a per-process random marker, so the gateway recognizes its own error in the backend
 * stream (and removes the field before the client sees it). No client can produce that marker: it never leaves
 * the gateway.
 */
final class RefusalStatement {
  /** A random marker per process; 32 hex digits. */
  static final String MARKER = java.util.HexFormat.of().formatHex(randomBytes());

  private RefusalStatement() {}

  static Buffer query(ErrorReplies.Refusal refusal) {
    return QueryMessage.encode(sql(refusal));
  }

  static String sql(ErrorReplies.Refusal refusal) {
    String message = refusal.message().replace("\0", "");
    String tag = "$portcullis$";
    for (int n = 0; message.contains(tag); n++) {
      tag = "$portcullis" + n + "$";
    }
    return "DO " + tag + " BEGIN RAISE EXCEPTION USING ERRCODE = " + literal(refusal.sqlState())
        + ", MESSAGE = " + literal(message) + ", SCHEMA = " + literal(MARKER) + "; END " + tag;
  }

  /** A standard string literal: with standard_conforming_strings on (the gateway pins it) only ' is special. */
  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
