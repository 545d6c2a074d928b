package dev.portcullis.pg.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bind values an approver is shown: built from the bytes a client sends. */
class BindParametersTest {
  /** A Bind message: formats as given, values as given ({@code null} = SQL NULL), one result format. */
  private static FrontendFrame bind(short[] formats, byte[]... values) {
    Buffer body = Buffer.buffer();
    CStrings.append(body, "portal_1");
    CStrings.append(body, "stmt_1");
    body.appendShort((short) formats.length);
    for (short f : formats) {
      body.appendShort(f);
    }
    body.appendShort((short) values.length);
    for (byte[] v : values) {
      if (v == null) {
        body.appendInt(-1);
      } else {
        body.appendInt(v.length).appendBytes(v);
      }
    }
    body.appendShort((short) 1).appendShort((short) 1);
    return frame(body);
  }

  private static FrontendFrame frame(Buffer body) {
    Buffer whole = Buffer.buffer().appendByte((byte) 'B').appendInt(body.length() + 4).appendBuffer(body);
    return new FrontendFrame((byte) 'B', whole);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static short[] formats(int... f) {
    short[] out = new short[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = (short) f[i];
    }
    return out;
  }

  @Test
  void textValuesAreUtf8AndNullIsNull() {
    assertEquals(Arrays.asList("7", null, "", "naïve 'quoted' ✓"),
        BindParameters.read(bind(formats(), utf8("7"), null, utf8(""), utf8("naïve 'quoted' ✓"))),
        "no format codes: all text");
    assertEquals(List.of(), BindParameters.read(bind(formats())));
  }

  @Test
  void binaryValuesAreShownAsByteaHex() {
    assertEquals(List.of("\\x0000002a", "\\x", "\\x00ff10"),
        BindParameters.read(bind(formats(1), new byte[] {0, 0, 0, 42}, new byte[0], new byte[] {0, (byte) 0xff, 16})),
        "one format code applies to every value");
    assertEquals(Arrays.asList("abc", "\\x616263", null),
        BindParameters.read(bind(formats(0, 1, 1), utf8("abc"), utf8("abc"), null)), "one code per value");
    assertEquals(List.of("abc", "def"), BindParameters.read(bind(formats(0), utf8("abc"), utf8("def"))));
  }

  @Test
  void valuesSayWhichWereBinarySoThatATextBackslashXDoesNotPassForBytes() {
    BindParameters.Values v = BindParameters.values(bind(formats(0, 1, 1), utf8("\\x41"), new byte[] {0x41}, null));
    assertEquals(Arrays.asList("\\x41", "\\x41", null), v.shown(), "shown alike");
    assertEquals(List.of(false, true, true), v.binary());
    assertNotEquals(dev.portcullis.approval.StatementDigest.of("SELECT $1, $2", v.shown(), v.binary()),
        dev.portcullis.approval.StatementDigest.of("SELECT $1, $2", v.shown()), "but digested apart");
  }

  @Test
  void theValuesAreImmutable() {
    List<String> values = BindParameters.read(bind(formats(), utf8("1")));
    assertThrows(UnsupportedOperationException.class, () -> values.set(0, "2"));
  }

  @Test
  void malformedMessagesAreProtocolViolations() {
    assertViolation(bind(formats(0, 1), utf8("a"), utf8("b"), utf8("c")),
        "Bind has 2 parameter formats for 3 parameters");
    Buffer negativeLength = Buffer.buffer();
    CStrings.append(negativeLength, "");
    CStrings.append(negativeLength, "");
    negativeLength.appendShort((short) 0).appendShort((short) 1).appendInt(-2);
    assertViolation(frame(negativeLength), "Bind parameter 1 has an invalid length -2");

    Buffer pastTheEnd = Buffer.buffer();
    CStrings.append(pastTheEnd, "");
    CStrings.append(pastTheEnd, "");
    pastTheEnd.appendShort((short) 0).appendShort((short) 1).appendInt(100).appendBytes(utf8("short"));
    assertViolation(frame(pastTheEnd), "Bind parameter 1 has an invalid length 100");

    Buffer noLength = Buffer.buffer();
    CStrings.append(noLength, "");
    CStrings.append(noLength, "");
    noLength.appendShort((short) 0).appendShort((short) 2).appendInt(1).appendBytes(utf8("x")).appendShort((short) 0);
    assertViolation(frame(noLength), "Bind message too short for parameter 2");

    Buffer noCount = Buffer.buffer();
    CStrings.append(noCount, "");
    CStrings.append(noCount, "");
    noCount.appendShort((short) 1).appendShort((short) 0);
    assertViolation(frame(noCount), "Bind message too short for its parameter count");

    Buffer missingFormats = Buffer.buffer();
    CStrings.append(missingFormats, "");
    CStrings.append(missingFormats, "");
    missingFormats.appendShort((short) 3).appendShort((short) 0);
    assertViolation(frame(missingFormats), "Bind message too short for its parameter format");

    Buffer negativeCount = Buffer.buffer();
    CStrings.append(negativeCount, "");
    CStrings.append(negativeCount, "");
    negativeCount.appendShort((short) 0).appendShort((short) -1);
    assertViolation(frame(negativeCount), "Bind has a negative parameter count");

    assertViolation(frame(Buffer.buffer().appendString("portal-without-end")), "unterminated portal name");
  }

  private static void assertViolation(FrontendFrame frame, String message) {
    PgProtocolException e = assertThrows(PgProtocolException.class, () -> BindParameters.read(frame));
    assertEquals(PgProtocolException.PROTOCOL_VIOLATION, e.sqlState());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
