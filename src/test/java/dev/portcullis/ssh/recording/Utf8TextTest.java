package dev.portcullis.ssh.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8TextTest {
  /** 1, 2, 3 and 4-byte characters (the last a surrogate pair in Java). */
  static final String MIXED = "a é € 😀 z";

  private static String decodeInPieces(byte[] bytes, int... cuts) {
    Utf8Text text = new Utf8Text();
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int cut : cuts) {
      text.decode(bytes, from, cut - from, out);
      from = cut;
    }
    text.decode(bytes, from, bytes.length - from, out);
    text.finish(out);
    return out.toString();
  }

  @Test
  void aCharacterSplitAtAnyByteComesOutWholeWithItsLastByte() {
    byte[] bytes = MIXED.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= bytes.length; cut++) {
      Utf8Text text = new Utf8Text();
      StringBuilder first = new StringBuilder();
      text.decode(bytes, 0, cut, first);
      // the first part is a prefix of whole characters: never half a surrogate pair, never U+FFFD
      assertTrue(MIXED.startsWith(first.toString()), "cut " + cut + ": " + first);
      assertFalse(first.toString().contains("\uFFFD"));
      StringBuilder second = new StringBuilder();
      text.decode(bytes, cut, bytes.length - cut, second);
      assertEquals(MIXED, first + second.toString(), "cut at " + cut);
      assertFalse(text.holding());
    }
  }

  @Test
  void aFourByteCharacterFedOneByteAtATime() {
    byte[] bytes = "😀".getBytes(StandardCharsets.UTF_8);
    Utf8Text text = new Utf8Text();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      text.decode(bytes, i, 1, out);
      assertEquals("", out.toString());
      assertTrue(text.holding());
    }
    text.decode(bytes, 3, 1, out);
    assertEquals("😀", out.toString());
  }

  @Test
  void invalidBytesBecomeReplacementCharactersWithoutAnException() {
    byte[] bad = {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'd'};
    assertEquals(new String(bad, StandardCharsets.UTF_8), decodeInPieces(bad, 2, 4, 6));
    assertTrue(decodeInPieces(bad).startsWith("a\uFFFDb\uFFFDc"));
  }

  @Test
  void anUnfinishedCharacterAtTheEndBecomesOneReplacementCharacter() {
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    Utf8Text text = new Utf8Text();
    StringBuilder out = new StringBuilder();
    text.decode(euro, 0, 2, out);
    assertEquals("", out.toString());
    text.finish(out);
    assertEquals("\uFFFD", out.toString());
    assertFalse(text.holding());
    text.decode(euro, 0, 3, out); // usable again after finish
    assertEquals("\uFFFD€", out.toString());
  }

  @Test
  void randomBytesInRandomPiecesDecodeAsTheWholeWould() {
    Random random = new Random(6);
    for (int round = 0; round < 2000; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      for (int i = 0; i < bytes.length; i++) {
        // mostly UTF-8 lead and continuation bytes, where the edge cases are
        int pick = random.nextInt(4);
        bytes[i] = (byte) (pick == 0 ? random.nextInt(0x80) : pick == 1 ? 0x80 + random.nextInt(0x40)
            : pick == 2 ? 0xC0 + random.nextInt(0x40) : random.nextInt(256));
      }
      int pieces = bytes.length == 0 ? 0 : random.nextInt(Math.min(bytes.length, 6));
      int[] cuts = random.ints(pieces, 0, bytes.length + 1).sorted().toArray();
      assertEquals(new String(bytes, StandardCharsets.UTF_8), decodeInPieces(bytes, cuts),
          () -> "round " + round(bytes));
    }
  }

  private static String round(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
