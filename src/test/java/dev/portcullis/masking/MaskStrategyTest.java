package dev.portcullis.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MaskStrategyTest {
  private static final HashKey KEY = HashKey.of(filled(7));

  static byte[] filled(int b) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) b);
    return bytes;
  }

  private static String partial(String s) {
    return MaskStrategy.of("partial", KEY).maskText(s);
  }

  @Test
  void redactIsFixedWhateverTheInput() {
    MaskStrategy s = MaskStrategy.of("redact", KEY);
    assertEquals("****", s.maskText("4111 1111 1111 1111"));
    assertEquals("****", s.maskText(""));
  }

  @Test
  void partialKeepsTheLastFourLettersOrDigitsAndEverySeparator() {
    assertEquals("**** **** **** 1111", partial("4111 1111 1111 1111"));
    assertEquals("***-**-6789", partial("123-45-6789"));
    assertEquals("****@******e.com", partial("anna@example.com"));
    assertEquals("+** (***) ***-4567", partial("+49 (301) 234-4567"));
  }

  @Test
  void partialMasksShortValuesWhole() {
    assertEquals("****", partial("1234"));
    assertEquals("*-*", partial("1-2"));
    assertEquals("", partial(""));
    assertEquals("--", partial("--"));
    assertEquals("*2345", partial("12345"));
  }

  @Test
  void partialCountsCodePointsNotChars() {
    assertEquals("*é-äöü😀", partial("ßé-äöü😀"), "the emoji is not a letter: kept, and not one of the 4");
    assertEquals("****", partial("äößü"));
    assertEquals("*äößü", partial("ääößü"));
    assertEquals("*bcde", partial("\uD835\uDC9Cbcde"), "a supplementary letter becomes one '*'");
  }

  @Test
  void hashIsStableKeyedAndShort() {
    MaskStrategy s = MaskStrategy.of("hash", KEY);
    String h = s.maskText("anna@example.com");
    assertTrue(h.matches("h:[0-9a-f]{24}"), h);
    assertEquals(h, s.maskText("anna@example.com"));
    assertEquals(h, MaskStrategy.of("hash", HashKey.of(filled(7))).maskText("anna@example.com"));
    assertNotEquals(h, s.maskText("anna@example.org"));
    assertNotEquals(h, MaskStrategy.of("hash", HashKey.of(filled(8))).maskText("anna@example.com"));
  }

  @Test
  void hashMatchesAnIndependentHmac() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(filled(7), "HmacSHA256"));
    byte[] expected = mac.doFinal("ü".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String hex = java.util.HexFormat.of().formatHex(expected).substring(0, 24);
    assertEquals("h:" + hex, MaskStrategy.of("hash", KEY).maskText("ü"));
  }

  @Test
  void nullIsSqlNull() {
    assertNull(MaskStrategy.of("null", KEY).maskText("x"));
  }

  @Test
  void severityOrdersNullRedactHashPartial() {
    int[] order = {MaskStrategy.of("null", KEY).severity(), MaskStrategy.of("redact", KEY).severity(),
        MaskStrategy.of("hash", KEY).severity(), MaskStrategy.of("partial", KEY).severity()};
    for (int i = 1; i < order.length; i++) {
      assertTrue(order[i - 1] > order[i]);
    }
  }

  @Test
  void namesRoundTripAndUnknownNamesAreRefused() {
    for (String n : new String[] {"redact", "partial", "hash", "null"}) {
      assertEquals(n, MaskStrategy.of(n, KEY).name());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MaskStrategy.of("blur", KEY));
    assertTrue(e.getMessage().contains("redact, partial, hash, null"), e.getMessage());
  }
}
