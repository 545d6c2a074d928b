package dev.portcullis.masking;

import static dev.portcullis.masking.WireMessages.field;
import static dev.portcullis.masking.WireMessages.rowDescription;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowDescriptionsTest {
  private static final List<ResultField> FIELDS = List.of(
      new ResultField("id", 16384, (short) 1, 20, (short) 8, -1, (short) 1),
      new ResultField("e-mail ✉", 16384, (short) 3, PgTypes.VARCHAR, (short) -1, 104, (short) 0),
      new ResultField("?column?", 0, (short) 0, PgTypes.TEXT, (short) -1, -1, (short) 0));

  private static void assertRefused(Buffer message, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowDescriptions.parse(message));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void parsesEveryField() {
    assertEquals(FIELDS, RowDescriptions.parse(rowDescription(FIELDS)));
    assertEquals(new ColumnRef(16384, (short) 3), FIELDS.get(1).ref());
  }

  @Test
  void parsesAnEmptyDescription() {
    assertEquals(List.of(), RowDescriptions.parse(rowDescription(List.of())));
  }

  @Test
  void refusesAnotherMessageType() {
    Buffer m = rowDescription(FIELDS);
    m.setByte(0, (byte) 'D');
    assertRefused(m, "not a RowDescription");
  }

  @Test
  void refusesALengthThatDoesNotMatch() {
    assertRefused(rowDescription(FIELDS).appendByte((byte) 0), "does not match");
  }

  @Test
  void refusesTruncatedFields() {
    Buffer whole = rowDescription(FIELDS);
    for (int cut = 7; cut < whole.length(); cut++) {
      Buffer part = whole.getBuffer(0, cut);
      part.setInt(1, part.length() - 1);
      assertRefused(part, "truncated");
    }
  }

  @Test
  void refusesTrailingBytesAfterTheFields() {
    Buffer m = rowDescription(List.of(field("a", 0, 0, 25, 0))).appendInt(7);
    m.setInt(1, m.length() - 1);
    assertRefused(m, "4 bytes after its 1 fields");
  }

  @Test
  void refusesANameThatIsNotUtf8() {
    Buffer m = rowDescription(List.of(field("ab", 0, 0, 25, 0)));
    m.setByte(7, (byte) 0xc3).setByte(8, (byte) 0x28);
    assertRefused(m, "not valid UTF-8");
  }
}
