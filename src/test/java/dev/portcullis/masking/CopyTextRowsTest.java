package dev.portcullis.masking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextRowsTest {
  private static Buffer copyData(String row) {
    byte[] bytes = row.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendByte((byte) 'd').appendInt(4 + bytes.length).appendBytes(bytes);
  }

  /** The values of a DataRow, NULL as null. */
  private static List<String> values(Buffer dataRow) {
    List<String> out = new ArrayList<>();
    int pos = 7;
    for (int c = 0; c < dataRow.getShort(5); c++) {
      int len = dataRow.getInt(pos);
      pos += 4;
      out.add(len < 0 ? null : dataRow.getString(pos, pos + len, "UTF-8"));
      pos += Math.max(len, 0);
    }
    assertEquals(dataRow.length(), pos, "the DataRow ends after its last value");
    assertEquals(dataRow.length() - 1, dataRow.getInt(1), "length field");
    return out;
  }

  @Test
  void fieldsAreUnescapedNullsKeptAndEscapesWrittenBackAsTheServerWritesThem() {
    String row = "1\tZoë \\\\ Åström\t\\N\ttab\\there\\nnew line\t\t\\101\\x41\n";
    Buffer dataRow = CopyTextRows.toDataRow(copyData(row));
    List<String> values = values(dataRow);
    assertEquals(6, values.size());
    assertEquals("1", values.get(0));
    assertEquals("Zoë \\ Åström", values.get(1));
    assertNull(values.get(2));
    assertEquals("tab\there\nnew line", values.get(3));
    assertEquals("", values.get(4));
    assertEquals("AA", values.get(5));
    String back = "1\tZoë \\\\ Åström\t\\N\ttab\\there\\nnew line\t\tAA\n";
    assertArrayEquals(copyData(back).getBytes(), CopyTextRows.toCopyData(dataRow).getBytes());
  }

  @Test
  void aSingleEmptyColumnAndARowOfNulls() {
    assertEquals(List.of(""), values(CopyTextRows.toDataRow(copyData("\n"))));
    List<String> nulls = values(CopyTextRows.toDataRow(copyData("\\N\t\\N\n")));
    assertEquals(2, nulls.size());
    assertNull(nulls.get(0));
    assertNull(nulls.get(1));
  }

  @Test
  void somethingOtherThanOneWholeRowIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> CopyTextRows.toDataRow(copyData("1\t2")));
    assertThrows(IllegalArgumentException.class, () -> CopyTextRows.toDataRow(Buffer.buffer("x")));
  }
}
