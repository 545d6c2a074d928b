package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The parameter values of a Bind, as a person approving the statement reads them. Only read for statements that
 * wait for approval: what is approved must be exactly what runs.
 *
 * <pre>
 * 'B' int32 len | portal\0 | statement\0 | int16 nFormats, int16 format[nFormats]
 *               | int16 nParams, { int32 len (-1 = NULL), byte[len] }[nParams] | int16 nResultFormats, …
 * </pre>
 *
 * A format list of length 0 means all text, of length 1 applies to every parameter. Text values are shown as
 * UTF-8 text, binary values as {@code \x} and hex (as PostgreSQL prints bytea).
 */
public final class BindParameters {
  private BindParameters() {}

  /**
   * The values as shown, and which were sent in binary: a text value {@code \x41} and a binary byte 0x41 look
   * alike but mean different things to a text column, so a digest of what runs must tell them apart.
   */
  public record Values(List<String> shown, List<Boolean> binary) {}

  /** The values in order; {@code null} for SQL NULL. */
  public static List<String> read(FrontendFrame frame) {
    return values(frame).shown();
  }

  /** The values in order with their formats. */
  public static Values values(FrontendFrame frame) {
    Buffer b = frame.bytes();
    CStrings.Reader reader = new CStrings.Reader(b, 5);
    reader.next("portal name");
    reader.next("statement name");
    int at = reader.position();
    int formats = shortAt(b, at, "parameter format count");
    at += 2;
    short[] format = new short[formats];
    for (int i = 0; i < formats; i++) {
      format[i] = (short) shortAt(b, at, "parameter format");
      at += 2;
    }
    int count = shortAt(b, at, "parameter count");
    at += 2;
    if (formats > 1 && formats != count) {
      throw PgProtocolException.violation("Bind has " + formats + " parameter formats for " + count + " parameters");
    }
    List<String> values = new ArrayList<>(count);
    List<Boolean> binaries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (at + 4 > b.length()) {
        throw PgProtocolException.violation("Bind message too short for parameter " + (i + 1));
      }
      int len = b.getInt(at);
      at += 4;
      boolean binary = formats == 1 ? format[0] == 1 : formats > 1 && format[i] == 1;
      binaries.add(binary);
      if (len == -1) {
        values.add(null);
        continue;
      }
      if (len < 0 || at + len > b.length()) {
        throw PgProtocolException.violation("Bind parameter " + (i + 1) + " has an invalid length " + len);
      }
      byte[] bytes = b.getBytes(at, at + len);
      at += len;
      values.add(binary ? "\\x" + HexFormat.of().formatHex(bytes) : new String(bytes, StandardCharsets.UTF_8));
    }
    return new Values(Collections.unmodifiableList(values), List.copyOf(binaries));
  }

  private static int shortAt(Buffer b, int at, String what) {
    if (at + 2 > b.length()) {
      throw PgProtocolException.violation("Bind message too short for its " + what);
    }
    int v = b.getShort(at);
    if (v < 0) {
      throw PgProtocolException.violation("Bind has a negative " + what);
    }
    return v;
  }
}
