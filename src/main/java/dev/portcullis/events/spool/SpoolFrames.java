package dev.portcullis.events.spool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one spooled record: {@code int32 bodyLength | int32 crc32c(body) | body}, body =
 * {@code u16 topicLength | topic | u16 keyLength | key | value}. The checksum tells a complete frame from one a
 * crash tore (or from the zeros a file system may leave after a crash): a zero length is never valid.
 */
final class SpoolFrames {
  static final int HEADER = 8;
  /** Larger than any event the gateway produces; a bigger length is a torn or corrupt frame. */
  static final int MAX_BODY = 64 << 20;

  private SpoolFrames() {}

  static int size(SpoolRecord r) {
    return HEADER + 4 + utf8Length(r.topic()) + r.key().length + r.value().length;
  }

  static void write(ByteBuffer out, SpoolRecord r) {
    byte[] topic = r.topic().getBytes(StandardCharsets.UTF_8);
    int bodyLength = 4 + topic.length + r.key().length + r.value().length;
    int start = out.position();
    out.putInt(bodyLength).putInt(0);
    int body = out.position();
    out.putShort((short) topic.length).put(topic).putShort((short) r.key().length).put(r.key()).put(r.value());
    CRC32C crc = new CRC32C();
    crc.update(out.array(), out.arrayOffset() + body, bodyLength);
    out.putInt(start + 4, (int) crc.getValue());
  }

  /**
   * Checks the frame at {@code buf}'s position without moving it.
   *
   * @return the frame's total size; 0 when the buffer holds only part of it (of which the first 8 bytes give the
   *     needed size, see {@link #declaredSize}); -1 when the frame is invalid
   */
  static int check(ByteBuffer buf) {
    if (buf.remaining() < HEADER) {
      return 0;
    }
    int p = buf.position();
    int bodyLength = buf.getInt(p);
    if (bodyLength < 4 || bodyLength > MAX_BODY) {
      return -1;
    }
    if (buf.remaining() < HEADER + bodyLength) {
      return 0;
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), buf.arrayOffset() + p + HEADER, bodyLength);
    return (int) crc.getValue() == buf.getInt(p + 4) ? HEADER + bodyLength : -1;
  }

  /** The size the frame at {@code buf}'s position claims (header present), or -1 when out of bounds. */
  static int declaredSize(ByteBuffer buf) {
    int bodyLength = buf.getInt(buf.position());
    return bodyLength < 4 || bodyLength > MAX_BODY ? -1 : HEADER + bodyLength;
  }

  /** Decodes a frame that {@link #check} accepted, advancing the buffer past it. */
  static SpoolRecord read(ByteBuffer buf) {
    int bodyLength = buf.getInt();
    buf.getInt();
    int end = buf.position() + bodyLength;
    byte[] topic = new byte[buf.getShort() & 0xffff];
    buf.get(topic);
    byte[] key = new byte[buf.getShort() & 0xffff];
    buf.get(key);
    byte[] value = new byte[end - buf.position()];
    buf.get(value);
    return new SpoolRecord(new String(topic, StandardCharsets.UTF_8), key, value);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
