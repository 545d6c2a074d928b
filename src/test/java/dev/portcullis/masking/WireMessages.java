package dev.portcullis.masking;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds RowDescription and DataRow messages the way a server sends them. */
final class WireMessages {
  private WireMessages() {}

  static Buffer rowDescription(List<ResultField> fields) {
    Buffer b = Buffer.buffer().appendByte((byte) 'T').appendInt(0).appendShort((short) fields.size());
    for (ResultField f : fields) {
      b.appendBytes(f.name().getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0).appendInt(f.tableOid())
          .appendShort(f.columnAttr()).appendInt(f.typeOid()).appendShort(f.typeSize()).appendInt(f.typeModifier())
          .appendShort(f.format());
    }
    return b.setInt(1, b.length() - 1);
  }

  /** A DataRow; a {@code null} value is SQL NULL. */
  static Buffer dataRow(byte[]... values) {
    Buffer b = Buffer.buffer().appendByte((byte) 'D').appendInt(0).appendShort((short) values.length);
    for (byte[] v : values) {
      if (v == null) {
        b.appendInt(-1);
      } else {
        b.appendInt(v.length).appendBytes(v);
      }
    }
    return b.setInt(1, b.length() - 1);
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  static ResultField field(String name, int tableOid, int attnum, int typeOid, int format) {
    return new ResultField(name, tableOid, (short) attnum, typeOid, (short) -1, -1, (short) format);
  }
}
