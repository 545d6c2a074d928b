package dev.portcullis.pg.codec;

/** CancelRequest: {@code int32 16 | int32 80877102 | int32 processId | int32 secretKey} (on a new connection). */
public record CancelRequest(int processId, int secretKey) {
  public static CancelRequest parse(FrontendFrame frame) {
    if (frame.bytes().length() != 16) {
      throw PgProtocolException.violation("invalid CancelRequest length " + frame.bytes().length());
    }
    return new CancelRequest(frame.bytes().getInt(8), frame.bytes().getInt(12));
  }
}
