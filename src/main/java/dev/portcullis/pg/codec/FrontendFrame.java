package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;

/**
 * One complete frontend message, exactly as the client sent it.
 *
 * @param type  the type byte, or {@link #UNTYPED} for a startup-phase message (StartupMessage, SSLRequest,
 *              GSSENCRequest, CancelRequest), which has no type byte
 * @param bytes the whole message: type byte (if any), the int32 length, the body. Forwarded as is.
 */
public record FrontendFrame(byte type, Buffer bytes) {
  public static final byte UNTYPED = 0;

  /** Offset of the body in {@link #bytes()}. */
  public int bodyOffset() {
    return type == UNTYPED ? 4 : 5;
  }

  /** For an untyped message: the request code (protocol version or one of the *_REQUEST_CODE values). */
  public int startupCode() {
    return bytes.getInt(4);
  }
}
