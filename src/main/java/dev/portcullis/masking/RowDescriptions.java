package dev.portcullis.masking;

import dev.portcullis.pg.codec.CStrings;
import dev.portcullis.pg.codec.PgProtocolException;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a whole RowDescription message, strictly: masking decisions rest on it, so a message that does not add up
 * is refused ({@link IllegalArgumentException}) rather than read as far as it goes.
 *
 * <pre>
 * 'T' | int32 length | int16 count | count × (cstring name, int32 table oid, int16 attnum, int32 type oid,
 *                                             int16 typlen, int32 typmod, int16 format)
 * </pre>
 */
public final class RowDescriptions {
  private static final int FIXED_FIELD_BYTES = 4 + 2 + 4 + 2 + 4 + 2;

  private RowDescriptions() {}

  public static List<ResultField> parse(Buffer whole) {
    if (whole.length() < 7 || whole.getByte(0) != 'T') {
      throw new IllegalArgumentException("not a RowDescription message");
    }
    int length = whole.getInt(1);
    if (length != whole.length() - 1) {
      throw new IllegalArgumentException(
          "RowDescription length " + length + " does not match its " + (whole.length() - 1) + " bytes");
    }
    int count = whole.getUnsignedShort(5);
    List<ResultField> fields = new ArrayList<>(count);
    int pos = 7;
    int end = whole.length();
    for (int i = 0; i < count; i++) {
      int nul = pos;
      while (nul < end && whole.getByte(nul) != 0) {
        nul++;
      }
      if (nul + 1 + FIXED_FIELD_BYTES > end) { // also when the name has no NUL
        throw new IllegalArgumentException("RowDescription field " + (i + 1) + " of " + count + " is truncated");
      }
      String name = utf8(whole.getBytes(pos, nul), i + 1);
      pos = nul + 1;
      fields.add(new ResultField(name, whole.getInt(pos), whole.getShort(pos + 4), whole.getInt(pos + 6),
          whole.getShort(pos + 10), whole.getInt(pos + 12), whole.getShort(pos + 16)));
      pos += FIXED_FIELD_BYTES;
    }
    if (pos != end) {
      throw new IllegalArgumentException("RowDescription has " + (end - pos) + " bytes after its " + count + " fields");
    }
    return fields;
  }

  private static String utf8(byte[] bytes, int field) {
    try {
      return CStrings.utf8(Buffer.buffer(bytes), 0, bytes.length);
    } catch (PgProtocolException e) {
      throw new IllegalArgumentException("RowDescription field " + field + " has a name that is not valid UTF-8");
    }
  }
}
