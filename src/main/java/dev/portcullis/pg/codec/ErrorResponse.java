package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ErrorResponse ('E') / NoticeResponse ('N'): {@code type | int32 len | (byte1 code, cstring value)* | \0}.
 * Fields: 'S'/'V' severity, 'C' SQLSTATE, 'M' message, 'D' detail, 's' schema name, and others kept as read.
 *
 * @param fields every field in wire order, keyed by its code
 */
public record ErrorResponse(Map<Character, String> fields) {
  public static final String FATAL = "FATAL";
  public static final String ERROR = "ERROR";

  public ErrorResponse {
    fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public static ErrorResponse of(String severity, String sqlState, String message, String detail) {
    Map<Character, String> f = new LinkedHashMap<>();
    f.put('S', severity);
    f.put('V', severity);
    f.put('C', sqlState);
    f.put('M', message);
    if (detail != null) {
      f.put('D', detail);
    }
    return new ErrorResponse(f);
  }

  public static ErrorResponse fatal(String sqlState, String message) {
    return of(FATAL, sqlState, message, null);
  }

  public String severity() {
    return fields.get('S');
  }

  public String sqlState() {
    return fields.get('C');
  }

  public String message() {
    return fields.get('M');
  }

  public String detail() {
    return fields.get('D');
  }

  public ErrorResponse without(char code) {
    Map<Character, String> f = new LinkedHashMap<>(fields);
    f.remove(code);
    return new ErrorResponse(f);
  }

  /** Reads a whole 'E' or 'N' message (type byte included). */
  public static ErrorResponse parse(Buffer message) {
    Map<Character, String> f = new LinkedHashMap<>();
    CStrings.Reader reader = new CStrings.Reader(message, 5);
    while (true) {
      byte code = reader.readByte();
      if (code == 0) {
        return new ErrorResponse(f);
      }
      f.put((char) code, reader.next("error field"));
    }
  }

  public Buffer encode() {
    return encode(MessageTypes.BACKEND_ERROR_RESPONSE);
  }

  public Buffer encode(byte type) {
    Buffer out = Buffer.buffer(64).appendByte(type).appendInt(0);
    fields.forEach((code, value) -> CStrings.append(out.appendByte((byte) code.charValue()), value));
    out.appendByte((byte) 0);
    return out.setInt(1, out.length() - 1);
  }
}
