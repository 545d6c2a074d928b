package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts the client's byte stream into whole messages. It only frames: it never interprets a body.
 *
 * <pre>
 * startup mode (untyped):  int32 length (incl. itself, 8..10000) | int32 code | body
 * typed mode:              byte1 type | int32 length (incl. itself, 4..maxMessageBytes) | body
 * </pre>
 *
 * The first message of a connection is untyped; the session switches to typed mode once the StartupMessage is
 * read. A length outside the bounds, or an unknown type byte, raises {@link PgProtocolException} as soon as the
 * header is in, so memory stays bounded by one message. Frames are slices of the buffered bytes; the decoder never
 * writes into a region it has handed out.
 */
public final class FrontendFrameDecoder {
  private int maxMessageBytes;
  private boolean startupMode = true;
  private Buffer buf;
  private int pos;
  /** {@code buf} is our own growable copy (not a buffer received from the socket). */
  private boolean owned;

  public FrontendFrameDecoder(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Switches to typed messages of at most {@code maxMessageBytes} (a smaller bound before authentication). */
  public void typedMode(int maxMessageBytes) {
    startupMode = false;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Bytes received and not yet returned as a frame. */
  public int buffered() {
    return buf == null ? 0 : buf.length() - pos;
  }

  public void feed(Buffer data) {
    int left = buffered();
    if (left == 0) {
      buf = data;
      pos = 0;
      owned = false;
    } else if (owned && pos == 0) {
      buf.appendBuffer(data); // still growing one partial frame: append in place, never quadratic
    } else {
      Buffer grown = Buffer.buffer(left + data.length());
      grown.appendBuffer(buf, pos, left).appendBuffer(data);
      buf = grown;
      pos = 0;
      owned = true;
    }
  }

  /** The next complete frame, or {@code null} when more bytes are needed. */
  public FrontendFrame next() {
    int left = buffered();
    if (startupMode) {
      if (left < 4) {
        return null;
      }
      int length = buf.getInt(pos);
      if (length < 8) {
        throw PgProtocolException.violation("invalid startup packet length " + length);
      }
      if (length > MessageTypes.MAX_STARTUP_PACKET_BYTES) {
        throw new PgProtocolException(PgProtocolException.PROGRAM_LIMIT_EXCEEDED,
            "startup packet of " + length + " bytes exceeds the limit of "
                + MessageTypes.MAX_STARTUP_PACKET_BYTES + " bytes");
      }
      return take(FrontendFrame.UNTYPED, length, left);
    }
    if (left < 5) {
      return null;
    }
    byte type = buf.getByte(pos);
    if (!MessageTypes.isFrontendType(type)) {
      throw PgProtocolException.violation("invalid frontend message type " + (type & 0xff));
    }
    int length = buf.getInt(pos + 1);
    if (length < 4) {
      throw PgProtocolException.violation("invalid message length " + length);
    }
    if (length > maxMessageBytes) {
      throw new PgProtocolException(PgProtocolException.PROGRAM_LIMIT_EXCEEDED,
          "message of " + Integer.toUnsignedString(length) + " bytes exceeds the gateway's limit of "
              + maxMessageBytes + " bytes");
    }
    return take(type, length + 1, left);
  }

  private FrontendFrame take(byte type, int total, int left) {
    if (left < total) {
      return null;
    }
    Buffer frame = buf.slice(pos, pos + total);
    pos += total;
    return new FrontendFrame(type, frame);
  }
}
