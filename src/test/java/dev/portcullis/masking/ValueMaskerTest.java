package dev.portcullis.masking;

import static dev.portcullis.masking.WireMessages.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ValueMaskerTest {
  private static final HashKey KEY = HashKey.of(MaskStrategyTest.filled(1));
  private static final MaskStrategy REDACT = MaskStrategy.of("redact", KEY);
  private static final MaskStrategy PARTIAL = MaskStrategy.of("partial", KEY);
  private static final MaskStrategy HASH = MaskStrategy.of("hash", KEY);
  private static final MaskStrategy NULL = MaskStrategy.of("null", KEY);
  private static final short TEXT = 0;
  private static final short BINARY = 1;
  private static final int INT8 = 20;
  private static final int TEXT_ARRAY = 1009;

  /** Stands in for the classifiers: "SECRET" followed by digits, so these tests do not depend on them. */
  private static final Function<CharSequence, List<TextSpan>> FINDER = text -> {
    List<TextSpan> spans = new ArrayList<>();
    Matcher m = Pattern.compile("SECRET[0-9]+").matcher(text);
    while (m.find()) {
      spans.add(new TextSpan(m.start(), m.end(), Classifier.SECRET));
    }
    return spans;
  };

  private static byte[] scrub(MaskStrategy s, int type, short format, byte[] value) {
    return ValueMasker.scrub(FINDER, s, type, format, value);
  }

  private static byte[] jsonb(String text) {
    byte[] t = utf8(text);
    byte[] out = new byte[t.length + 1];
    out[0] = 1;
    System.arraycopy(t, 0, out, 1, t.length);
    return out;
  }

  @Test
  void textLikeTypesGetTheStrategyOutputInBothFormats() {
    for (int type : new int[] {PgTypes.TEXT, PgTypes.VARCHAR, PgTypes.BPCHAR, PgTypes.NAME, PgTypes.UNKNOWN}) {
      for (short format : new short[] {TEXT, BINARY}) {
        assertArrayEquals(utf8("****"), ValueMasker.mask(REDACT, type, format, utf8("secret")));
        assertArrayEquals(utf8("**-ßx34"), ValueMasker.mask(PARTIAL, type, format, utf8("ab-ßx34")));
        assertArrayEquals(utf8(HASH.maskText("ü")), ValueMasker.mask(HASH, type, format, utf8("ü")));
        assertNull(ValueMasker.mask(NULL, type, format, utf8("secret")));
      }
    }
  }

  @Test
  void emptyStringsAreMaskedToo() {
    assertArrayEquals(utf8("****"), ValueMasker.mask(REDACT, PgTypes.TEXT, TEXT, new byte[0]));
    assertArrayEquals(new byte[0], ValueMasker.mask(PARTIAL, PgTypes.TEXT, TEXT, new byte[0]));
  }

  @Test
  void jsonBecomesAJsonStringLiteral() {
    byte[] doc = utf8("{\"card\": \"4111\"}");
    assertArrayEquals(utf8("\"****\""), ValueMasker.mask(REDACT, PgTypes.JSON, TEXT, doc));
    assertArrayEquals(utf8("\"****\""), ValueMasker.mask(REDACT, PgTypes.JSON, BINARY, doc));
    assertArrayEquals(utf8("\"{\\\"****\\\": \\\"4111\\\"}\""), ValueMasker.mask(PARTIAL, PgTypes.JSON, TEXT, doc));
    assertArrayEquals(utf8("\"****\""), ValueMasker.mask(REDACT, PgTypes.JSONB, TEXT, doc));
    assertArrayEquals(jsonb("\"****\""), ValueMasker.mask(REDACT, PgTypes.JSONB, BINARY, jsonb("{}")));
  }

  @Test
  void jsonbHashesTheSameInBothFormats() {
    String doc = "{\"a\": 1}";
    assertArrayEquals(jsonb("\"" + HASH.maskText(doc) + "\""),
        ValueMasker.mask(HASH, PgTypes.JSONB, BINARY, jsonb(doc)));
    assertArrayEquals(utf8("\"" + HASH.maskText(doc) + "\""), ValueMasker.mask(HASH, PgTypes.JSONB, TEXT, utf8(doc)));
  }

  @Test
  void jsonbOfAnUnknownVersionBecomesNull() {
    byte[] v2 = jsonb("{}");
    v2[0] = 2;
    assertNull(ValueMasker.mask(REDACT, PgTypes.JSONB, BINARY, v2));
    assertNull(ValueMasker.mask(REDACT, PgTypes.JSONB, BINARY, new byte[0]));
  }

  @Test
  void otherTypesBecomeNullForEveryStrategy() {
    byte[] int8 = {0, 0, 0, 0, 0, 0, 0, 42};
    for (MaskStrategy s : List.of(REDACT, PARTIAL, HASH, NULL)) {
      assertNull(ValueMasker.mask(s, INT8, BINARY, int8));
      assertNull(ValueMasker.mask(s, INT8, TEXT, utf8("42")));
      assertNull(ValueMasker.mask(s, TEXT_ARRAY, TEXT, utf8("{a,b}")));
    }
  }

  @Test
  void sqlNullStaysNull() {
    assertNull(ValueMasker.mask(REDACT, PgTypes.TEXT, TEXT, null));
    assertNull(scrub(REDACT, PgTypes.TEXT, TEXT, null));
  }

  @Test
  void scrubReplacesEachMatchAndKeepsTheRest() {
    assertArrayEquals(utf8("ä **** b **** ✓"), scrub(REDACT, PgTypes.TEXT, TEXT, utf8("ä SECRET1 b SECRET22 ✓")));
    assertArrayEquals(utf8("k=*****T123"), scrub(PARTIAL, PgTypes.VARCHAR, BINARY, utf8("k=SECRET123")));
    assertArrayEquals(utf8("[" + HASH.maskText("SECRET9") + "]"), scrub(HASH, PgTypes.TEXT, TEXT, utf8("[SECRET9]")));
  }

  @Test
  void scrubReturnsTheSameArrayWhenNothingMatches() {
    byte[] clean = utf8("nothing to see");
    assertSame(clean, scrub(REDACT, PgTypes.TEXT, TEXT, clean));
    assertSame(clean, scrub(NULL, PgTypes.JSONB, TEXT, clean));
    byte[] int8Text = utf8("42");
    assertSame(int8Text, scrub(REDACT, INT8, TEXT, int8Text));
  }

  @Test
  void scrubWithTheNullStrategyNullsTheWholeValue() {
    assertNull(scrub(NULL, PgTypes.TEXT, TEXT, utf8("x SECRET1")));
  }

  @Test
  void scrubNullsOtherTypesInTextFormatAndLeavesTheirBinaryAlone() {
    assertNull(scrub(PARTIAL, TEXT_ARRAY, TEXT, utf8("{SECRET1,b}")));
    byte[] binary = utf8("SECRET1");
    assertSame(binary, scrub(PARTIAL, TEXT_ARRAY, BINARY, binary));
  }

  @Test
  void scrubKeepsJsonValidByReplacingOnlyInsideStrings() {
    assertArrayEquals(utf8("{\"k\": \"a **** b\"}"), scrub(REDACT, PgTypes.JSON, TEXT, utf8("{\"k\": \"a SECRET1 b\"}")));
    assertArrayEquals(jsonb("[\"****\", \"\\\" ****\"]"),
        scrub(REDACT, PgTypes.JSONB, BINARY, jsonb("[\"SECRET1\", \"\\\" SECRET2\"]")));
    assertNull(scrub(REDACT, PgTypes.JSON, TEXT, utf8("{\"SECRET1\\n\": 1, \"a\": SECRET2}")), "match outside a string");
    assertNull(scrub(REDACT, PgTypes.JSON, TEXT, utf8("{\"a\": \"\\SECRET1\"}")), "match right after an escape");
  }

  @Test
  void invalidUtf8DoesNotCrashAndIsLeftAloneWithoutAMatch() {
    byte[] invalid = {'a', (byte) 0xc3, (byte) 0x28, 'b'};
    assertSame(invalid, scrub(REDACT, PgTypes.TEXT, TEXT, invalid));
    byte[] matched = {(byte) 0xff, ' ', 'S', 'E', 'C', 'R', 'E', 'T', '1'};
    assertArrayEquals(utf8("\uFFFD ****"), scrub(REDACT, PgTypes.TEXT, TEXT, matched));
    assertArrayEquals(utf8("****"), ValueMasker.mask(REDACT, PgTypes.TEXT, TEXT, invalid));
  }

  /** Uses the real ContentScanner's e-mail classifier. */
  @Test
  void realScannerEmail() {
    ContentScanner scanner = new ContentScanner(Set.of(Classifier.EMAIL));
    assertArrayEquals(utf8("mail ****@******e.com now"),
        ValueMasker.scrub(scanner, PARTIAL, PgTypes.TEXT, TEXT, utf8("mail anna@example.com now")));
  }
}
