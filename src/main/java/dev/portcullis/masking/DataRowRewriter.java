package dev.portcullis.masking;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * Applies a {@link ColumnPlan} to one DataRow, so a result set streams through row by row and is never buffered.
 *
 * <pre>
 * 'D' | int32 length | int16 column count | count × (int32 value length, -1 = NULL | value bytes)
 * </pre>
 *
 * Every length is recomputed in the new message. The row is returned as it is (the same Buffer, no copy) when the
 * plan masks nothing or no value changed. A NULL is never masked nor counted; every other value of a whole-value
 * column is counted, and a content-mode value only when something in it was masked.
 */
public final class DataRowRewriter {
  /** Stands for "send NULL" in the replacements, where {@code null} means "unchanged". */
  private static final byte[] NULL_MARKER = new byte[0];

  private DataRowRewriter() {}

  /**
   * @param counts receives one count per masked value; may be {@code null}
   * @throws IllegalArgumentException when the row is malformed or its column count differs from the plan's
   */
  public static Buffer rewrite(Buffer dataRow, ColumnPlan plan, MaskCounts counts) {
    if (!plan.masksAnything()) {
      return dataRow;
    }
    int end = dataRow.length();
    if (end < 7 || dataRow.getByte(0) != 'D') {
      throw new IllegalArgumentException("not a DataRow message");
    }
    if (dataRow.getInt(1) != end - 1) {
      throw new IllegalArgumentException(
          "DataRow length " + dataRow.getInt(1) + " does not match its " + (end - 1) + " bytes");
    }
    int count = dataRow.getUnsignedShort(5);
    if (count != plan.size()) {
      throw new IllegalArgumentException(
          "DataRow has " + count + " columns but its RowDescription had " + plan.size());
    }
    int[] starts = new int[count];
    int[] lengths = new int[count];
    int pos = 7;
    for (int i = 0; i < count; i++) {
      if (pos + 4 > end) {
        throw new IllegalArgumentException("DataRow column " + (i + 1) + " of " + count + " is truncated");
      }
      int length = dataRow.getInt(pos);
      pos += 4;
      if (length < -1 || length > end - pos) {
        throw new IllegalArgumentException("DataRow column " + (i + 1) + " has an invalid length " + length);
      }
      starts[i] = pos;
      lengths[i] = length;
      pos += Math.max(length, 0);
    }
    if (pos != end) {
      throw new IllegalArgumentException("DataRow has " + (end - pos) + " bytes after its " + count + " columns");
    }
    byte[][] replaced = null; // masks only a row that parsed whole, so a malformed one counts nothing
    for (int i = 0; i < count; i++) {
      ColumnMask mask = plan.mask(i);
      if (mask == null || lengths[i] < 0) {
        continue;
      }
      byte[] value = dataRow.getBytes(starts[i], starts[i] + lengths[i]);
      byte[] masked = mask.apply(plan.typeOid(i), plan.format(i), value);
      if (counts != null && (!mask.inspectsContent() || masked != value)) {
        counts.add(plan, i);
      }
      if (masked == null || masked != value && !Arrays.equals(masked, value)) {
        replaced = replaced == null ? new byte[count][] : replaced;
        replaced[i] = masked == null ? NULL_MARKER : masked;
      }
    }
    return replaced == null ? dataRow : rebuild(dataRow, starts, lengths, replaced);
  }

  private static Buffer rebuild(Buffer row, int[] starts, int[] lengths, byte[][] replaced) {
    Buffer out = Buffer.buffer(row.length() + 16).appendByte((byte) 'D').appendInt(0)
        .appendShort((short) starts.length);
    for (int i = 0; i < starts.length; i++) {
      byte[] r = replaced[i];
      if (r == NULL_MARKER) {
        out.appendInt(-1);
      } else if (r != null) {
        out.appendInt(r.length).appendBytes(r);
      } else if (lengths[i] < 0) {
        out.appendInt(-1);
      } else {
        out.appendInt(lengths[i]).appendBuffer(row, starts[i], lengths[i]);
      }
    }
    return out.setInt(1, out.length() - 1);
  }
}
