package dev.portcullis.forward;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One whole message from a PostgreSQL backend: its type byte and its body (without the type and length).
 *
 * @param type the message type, e.g. {@code 'R'} Authentication, {@code 'Z'} ReadyForQuery
 * @param body the bytes after the length word
 */
public record BackendMessage(byte type, Buffer body) {
  public static final byte AUTHENTICATION = 'R';
  public static final byte PARAMETER_STATUS = 'S';
  public static final byte BACKEND_KEY_DATA = 'K';
  public static final byte READY_FOR_QUERY = 'Z';
  public static final byte ERROR_RESPONSE = 'E';
  public static final byte NOTICE_RESPONSE = 'N';
  public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
  public static final byte ROW_DESCRIPTION = 'T';
  public static final byte DATA_ROW = 'D';
  public static final byte COMMAND_COMPLETE = 'C';

  /** Reads the NUL-terminated UTF-8 string starting at {@code pos}. */
  public static String cString(Buffer buffer, int pos) {
    int end = pos;
    while (end < buffer.length() && buffer.getByte(end) != 0) {
      end++;
    }
    return buffer.getString(pos, end, StandardCharsets.UTF_8.name());
  }

  /** The fields of an ErrorResponse or NoticeResponse, keyed by field code ('C' SQLSTATE, 'M' message, …). */
  public Map<Character, String> fields() {
    Map<Character, String> fields = new LinkedHashMap<>();
    int pos = 0;
    while (pos < body.length() && body.getByte(pos) != 0) {
      char code = (char) body.getByte(pos);
      String value = cString(body, pos + 1);
      fields.put(code, value);
      pos += 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return fields;
  }
}
