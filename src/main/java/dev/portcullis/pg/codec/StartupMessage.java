package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * StartupMessage: {@code int32 len | int32 version (major<<16 | minor) | (cstring name, cstring value)* | \0}.
 *
 * @param parameters in the order sent; names are case-sensitive as in PostgreSQL
 */
public record StartupMessage(int major, int minor, Map<String, String> parameters) {

  public static StartupMessage parse(FrontendFrame frame) {
    Buffer bytes = frame.bytes();
    int version = frame.startupCode();
    CStrings.Reader reader = new CStrings.Reader(bytes, 8);
    Map<String, String> parameters = new LinkedHashMap<>();
    while (true) {
      if (reader.peek() == 0) {
        reader.readByte();
        break;
      }
      String name = reader.next("startup parameter name");
      String value = reader.next("startup parameter value");
      if (parameters.put(name, value) != null) {
        throw PgProtocolException.violation("startup parameter \"" + name + "\" given twice");
      }
    }
    if (!reader.atEnd()) {
      throw PgProtocolException.violation("invalid startup packet layout: expected terminator as last byte");
    }
    return new StartupMessage(version >>> 16, version & 0xffff, Collections.unmodifiableMap(parameters));
  }
}
