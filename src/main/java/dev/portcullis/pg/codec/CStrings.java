package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the protocol's NUL-terminated strings. Decoding is strict UTF-8: a malformed sequence is
 * refused (SQLSTATE 22021), never replaced, because the policy must judge exactly the bytes the server will run.
 */
public final class CStrings {
  private CStrings() {}

  /** Index of the NUL ending the string that starts at {@code from}, bounded by {@code end}; else a violation. */
  public static int terminator(Buffer buf, int from, int end, String what) {
    for (int i = from; i < end; i++) {
      if (buf.getByte(i) == 0) {
        return i;
      }
    }
    throw PgProtocolException.violation("unterminated " + what + " in message");
  }

  /** Decodes {@code [from, to)} as strict UTF-8. */
  public static String utf8(Buffer buf, int from, int to) {
    byte[] bytes = buf.getBytes(from, to);
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(bytes, StandardCharsets.US_ASCII); // the common case needs no decoder
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new PgProtocolException(PgProtocolException.CHARACTER_NOT_IN_REPERTOIRE,
          "invalid byte sequence for encoding \"UTF8\"");
    }
  }

  /** Appends {@code s} as UTF-8 plus the terminating NUL. */
  public static Buffer append(Buffer out, String s) {
    return out.appendString(s, "UTF-8").appendByte((byte) 0);
  }

  /** A cursor over a message body that reads consecutive C strings. */
  public static final class Reader {
    private final Buffer buf;
    private final int end;
    private int pos;

    public Reader(Buffer buf, int from) {
      this.buf = buf;
      this.pos = from;
      this.end = buf.length();
    }

    public String next(String what) {
      int nul = terminator(buf, pos, end, what);
      String s = utf8(buf, pos, nul);
      pos = nul + 1;
      return s;
    }

    public boolean atEnd() {
      return pos >= end;
    }

    public int position() {
      return pos;
    }

    public byte peek() {
      if (pos >= end) {
        throw PgProtocolException.violation("message too short");
      }
      return buf.getByte(pos);
    }

    public byte readByte() {
      byte b = peek();
      pos++;
      return b;
    }
  }
}
