package dev.portcullis.ssh.recording;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns one stream's bytes into text as they arrive: a character whose bytes are split across two reads comes out
 * whole with the second, and bytes that are not UTF-8 come out as U+FFFD. Holds at most the 3 bytes of an
 * unfinished character between calls. Not thread-safe (the recorder serializes its calls).
 */
final class Utf8Text {
  /** The longest UTF-8 sequence; what may be held back from one call to the next. */
  private static final int MAX_SEQUENCE = 4;

  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  /** The unfinished character's bytes, between calls; flipped for reading only inside {@link #decode}. */
  private final ByteBuffer held = ByteBuffer.allocate(MAX_SEQUENCE);

  /** Appends to {@code out} the text of every character complete after these bytes. */
  void decode(byte[] b, int off, int len, StringBuilder out) {
    CharBuffer chars = CharBuffer.allocate(len + MAX_SEQUENCE);
    ByteBuffer in = ByteBuffer.wrap(b, off, len);
    // First finish the held character, feeding it one byte at a time so that no byte after it is taken early.
    while (held.position() > 0 && in.hasRemaining()) {
      held.put(in.get());
      held.flip();
      decoder.decode(held, chars, false);
      held.compact();
    }
    decoder.decode(in, chars, false);
    held.put(in); // what is left is the start of a character (at most 3 bytes): the decoder leaves nothing else
    chars.flip();
    out.append(chars);
  }

  /** The end of the stream: an unfinished character becomes U+FFFD. */
  void finish(StringBuilder out) {
    CharBuffer chars = CharBuffer.allocate(2 * MAX_SEQUENCE);
    held.flip();
    decoder.decode(held, chars, true);
    decoder.flush(chars);
    held.clear();
    decoder.reset();
    chars.flip();
    out.append(chars);
  }

  /** Whether bytes of an unfinished character are held. */
  boolean holding() {
    return held.position() > 0;
  }
}
