package dev.portcullis.masking;

import static dev.portcullis.masking.WireMessages.dataRow;
import static dev.portcullis.masking.WireMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataRowRewriterTest {
  private static final HashKey KEY = HashKey.of(MaskStrategyTest.filled(3));
  private static final ColumnMask REDACT = ColumnMask.wholeValue(MaskStrategy.of("redact", KEY), "r");
  private static final ColumnMask PARTIAL = ColumnMask.wholeValue(MaskStrategy.of("partial", KEY), "p");
  private static final int INT8 = 20;

  /** A plan over columns (id int8, name text, card text) in the given formats. */
  private static ColumnPlan plan(ColumnMask id, ColumnMask name, ColumnMask card, short... formats) {
    return new ColumnPlan(List.of("t.id", "t.name", "t.card"), Arrays.asList(id, name, card),
        new int[] {INT8, PgTypes.TEXT, PgTypes.VARCHAR}, formats.length == 0 ? new short[3] : formats);
  }

  private static byte[] int8(long v) {
    return Buffer.buffer().appendLong(v).getBytes();
  }

  @Test
  void masksTheChosenColumnsAndRecomputesEveryLength() {
    MaskCounts counts = new MaskCounts();
    ColumnPlan plan = plan(null, REDACT, PARTIAL);
    Buffer out = DataRowRewriter.rewrite(dataRow(utf8("7"), utf8("Anna Lindqvist"), utf8("4111-1111-1111-1234")),
        plan, counts);
    assertEquals(dataRow(utf8("7"), utf8("****"), utf8("****-****-****-1234")), out);
    DataRowRewriter.rewrite(dataRow(utf8("8"), utf8("Bo"), utf8("5555")), plan, counts);
    assertEquals(List.of(new MaskedColumn("t.name", "r", "redact", 2), new MaskedColumn("t.card", "p", "partial", 2)),
        counts.columns());
  }

  @Test
  void nullsStayNullAndAreNotCounted() {
    MaskCounts counts = new MaskCounts();
    Buffer row = dataRow(null, null, utf8("1234"));
    assertEquals(dataRow(null, null, utf8("****")), DataRowRewriter.rewrite(row, plan(REDACT, REDACT, PARTIAL), counts));
    assertEquals(List.of(new MaskedColumn("t.card", "p", "partial", 1)), counts.columns());
  }

  @Test
  void emptyStringsAndMultibyteText() {
    Buffer out = DataRowRewriter.rewrite(dataRow(null, utf8(""), utf8("Zoë-Ångström-日本語")),
        plan(null, PARTIAL, PARTIAL), new MaskCounts());
    assertEquals(dataRow(null, utf8(""), utf8("***-*******m-日本語")), out);
  }

  @Test
  void binaryFormatTextColumnsAndANonTextColumnBecomingNull() {
    ColumnPlan plan = plan(PARTIAL, REDACT, PARTIAL, (short) 1, (short) 1, (short) 1);
    MaskCounts counts = new MaskCounts();
    Buffer out = DataRowRewriter.rewrite(dataRow(int8(4111111111111111L), utf8("ü"), utf8("ab12cd")), plan, counts);
    assertEquals(dataRow(null, utf8("****"), utf8("**12cd")), out);
    assertEquals(new MaskedColumn("t.id", "p", "partial", 1), counts.columns().get(0), "a NULLed value is masked");
  }

  @Test
  void returnsTheSameBufferWhenNothingChanges() {
    Buffer row = dataRow(int8(1), utf8("****"), null);
    assertSame(row, DataRowRewriter.rewrite(row, plan(null, null, null), new MaskCounts()));
    MaskCounts counts = new MaskCounts();
    assertSame(row, DataRowRewriter.rewrite(row, plan(null, REDACT, PARTIAL), counts), "**** redacts to itself");
    assertEquals(1, counts.columns().get(0).values(), "but it was masked all the same");
  }

  @Test
  void refusesARowWhoseColumnCountDiffersFromThePlan() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DataRowRewriter.rewrite(dataRow(utf8("1"), utf8("2")), plan(null, REDACT, null), new MaskCounts()));
    assertTrue(e.getMessage().contains("2 columns but its RowDescription had 3"), e.getMessage());
  }

  @Test
  void refusesMalformedRowsAndCountsNothing() {
    ColumnPlan plan = plan(null, REDACT, null);
    Buffer whole = dataRow(utf8("1"), utf8("secret"), utf8("x"));
    MaskCounts counts = new MaskCounts();
    for (int cut = 0; cut < whole.length(); cut++) {
      Buffer part = whole.getBuffer(0, cut);
      if (part.length() >= 5) {
        part.setInt(1, part.length() - 1);
      }
      assertThrows(IllegalArgumentException.class, () -> DataRowRewriter.rewrite(part, plan, counts), "cut " + cut);
    }
    Buffer badLength = whole.copy().setInt(7, -2);
    assertThrows(IllegalArgumentException.class, () -> DataRowRewriter.rewrite(badLength, plan, counts));
    Buffer wrongTotal = whole.copy().setInt(1, whole.length());
    assertThrows(IllegalArgumentException.class, () -> DataRowRewriter.rewrite(wrongTotal, plan, counts));
    Buffer trailing = whole.copy().appendByte((byte) 0);
    trailing.setInt(1, trailing.length() - 1);
    assertThrows(IllegalArgumentException.class, () -> DataRowRewriter.rewrite(trailing, plan, counts));
    assertTrue(counts.isEmpty());
  }

  /** Uses the real ContentScanner's e-mail classifier. */
  @Test
  void realScannerEmailContentModeCountsOnlyValuesWithAMatch() {
    ColumnMask content = ColumnMask.content(MaskStrategy.of("redact", KEY), "c",
        new ContentScanner(Set.of(Classifier.EMAIL)));
    ColumnPlan plan = plan(null, content, content);
    MaskCounts counts = new MaskCounts();
    Buffer clean = dataRow(null, utf8("no mail here"), null);
    assertSame(clean, DataRowRewriter.rewrite(clean, plan, counts));
    assertEquals(dataRow(null, utf8("write to ****!"), utf8("x")),
        DataRowRewriter.rewrite(dataRow(null, utf8("write to anna@example.com!"), utf8("x")), plan, counts));
    assertEquals(List.of(new MaskedColumn("t.name", "c", "redact", 1)), counts.columns());
  }
}
