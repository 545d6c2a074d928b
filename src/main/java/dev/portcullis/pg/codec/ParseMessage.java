package dev.portcullis.pg.codec;

/**
 * Parse: {@code 'P' | int32 len | cstring statementName | cstring sql | int16 n | int32 paramType * n}.
 * The parameter types are not needed by the gateway and are forwarded untouched.
 */
public record ParseMessage(String statementName, String sql) {
  public static ParseMessage parse(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    String name = reader.next("statement name");
    String sql = reader.next("query string");
    int rest = frame.bytes().length() - reader.position();
    if (rest < 2) {
      throw PgProtocolException.violation("invalid Parse message: missing parameter count");
    }
    int count = frame.bytes().getUnsignedShort(reader.position());
    if (rest != 2 + 4 * count) {
      throw PgProtocolException.violation("invalid Parse message: parameter types do not match their count");
    }
    return new ParseMessage(name, sql);
  }
}
