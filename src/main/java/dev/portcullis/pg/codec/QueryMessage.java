package dev.portcullis.pg.codec;

/** Query (simple protocol): {@code 'Q' | int32 len | cstring sql}. */
public final class QueryMessage {
  private QueryMessage() {}

  public static String parse(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    String sql = reader.next("query string");
    if (!reader.atEnd()) {
      throw PgProtocolException.violation("invalid Query message: bytes after the query string");
    }
    return sql;
  }

  /** Encodes a simple Query (used for the statements the gateway sends the backend in a refused one's place). */
  public static io.vertx.core.buffer.Buffer encode(String sql) {
    byte[] text = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return io.vertx.core.buffer.Buffer.buffer(text.length + 6)
        .appendByte(MessageTypes.FRONTEND_QUERY).appendInt(text.length + 5).appendBytes(text).appendByte((byte) 0);
  }
}
