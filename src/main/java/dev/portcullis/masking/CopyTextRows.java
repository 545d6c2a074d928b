package dev.portcullis.masking;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;

/**
 * Converts one row of {@code COPY … TO STDOUT} output in the default text format to a DataRow and back, so the
 * DataRow rewrite masks COPY rows too.
 *
 * <pre>
 * CopyData   'd' | int32 len | field \t field \t … \n       (the server sends one row per message)
 * field      \N for NULL, else the text with \\ \b \f \n \r \t \v escaped (and, read back, \digits and \xhh)
 * DataRow    'D' | int32 len | int16 n | n × (int32 len | bytes), len -1 for NULL
 * </pre>
 */
public final class CopyTextRows {
  private CopyTextRows() {}

  /** The row of a CopyData message as a DataRow; IllegalArgumentException when it is not one whole text row. */
  public static Buffer toDataRow(Buffer copyData) {
    int end = copyData.length();
    if (end < 6 || copyData.getByte(0) != 'd' || copyData.getByte(end - 1) != '\n') {
      throw new IllegalArgumentException("a COPY data message that is not one whole text row");
    }
    Buffer row = Buffer.buffer(end + 16).appendByte((byte) 'D').appendInt(0).appendShort((short) 0);
    int columns = 0;
    int fieldStart = 5;
    for (int i = 5; i < end; i++) {
      byte b = copyData.getByte(i);
      if (b == '\t' || i == end - 1) {
        appendField(row, copyData, fieldStart, i);
        columns++;
        fieldStart = i + 1;
      }
    }
    return row.setShort(5, (short) columns).setInt(1, row.length() - 1);
  }

  private static void appendField(Buffer row, Buffer src, int from, int to) {
    if (to - from == 2 && src.getByte(from) == '\\' && src.getByte(from + 1) == 'N') {
      row.appendInt(-1);
      return;
    }
    ByteArrayOutputStream value = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte b = src.getByte(i);
      if (b != '\\' || i + 1 >= to) {
        value.write(b);
        continue;
      }
      byte e = src.getByte(++i);
      switch (e) {
        case 'b' -> value.write('\b');
        case 'f' -> value.write('\f');
        case 'n' -> value.write('\n');
        case 'r' -> value.write('\r');
        case 't' -> value.write('\t');
        case 'v' -> value.write(0x0b);
        case 'x' -> {
          int n = 0;
          int digits = 0;
          while (digits < 2 && i + 1 < to && Character.digit(src.getByte(i + 1), 16) >= 0) {
            n = n * 16 + Character.digit(src.getByte(++i), 16);
            digits++;
          }
          value.write(digits == 0 ? 'x' : n);
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int n = e - '0';
            for (int d = 0; d < 2 && i + 1 < to && src.getByte(i + 1) >= '0' && src.getByte(i + 1) <= '7'; d++) {
              n = n * 8 + (src.getByte(++i) - '0');
            }
            value.write(n);
          } else {
            value.write(e); // \\ and any other escaped character stand for themselves
          }
        }
      }
    }
    byte[] bytes = value.toByteArray();
    row.appendInt(bytes.length).appendBytes(bytes);
  }

  /** A DataRow as the CopyData message of one text row, escaped as the server escapes it. */
  public static Buffer toCopyData(Buffer dataRow) {
    int columns = dataRow.getShort(5);
    Buffer out = Buffer.buffer(dataRow.length() + 16).appendByte((byte) 'd').appendInt(0);
    int pos = 7;
    for (int c = 0; c < columns; c++) {
      if (c > 0) {
        out.appendByte((byte) '\t');
      }
      int len = dataRow.getInt(pos);
      pos += 4;
      if (len < 0) {
        out.appendByte((byte) '\\').appendByte((byte) 'N');
        continue;
      }
      for (int i = pos; i < pos + len; i++) {
        appendEscaped(out, dataRow.getByte(i));
      }
      pos += len;
    }
    out.appendByte((byte) '\n');
    return out.setInt(1, out.length() - 1);
  }

  private static void appendEscaped(Buffer out, byte b) {
    char escape = switch (b) {
      case '\\' -> '\\';
      case '\b' -> 'b';
      case '\f' -> 'f';
      case '\n' -> 'n';
      case '\r' -> 'r';
      case '\t' -> 't';
      case 0x0b -> 'v';
      default -> 0;
    };
    if (escape == 0) {
      out.appendByte(b);
    } else {
      out.appendByte((byte) '\\').appendByte((byte) escape);
    }
  }
}
