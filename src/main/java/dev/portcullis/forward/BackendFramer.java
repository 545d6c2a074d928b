package dev.portcullis.forward;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a backend byte stream into whole messages, whatever the socket reads look like: a message may be split over
 * several reads and one read may hold many messages.
 */
public final class BackendFramer {
  /** Longest message accepted; during startup anything longer is a broken or hostile server. */
  static final int MAX_STARTUP_MESSAGE = 1 << 20;
  private final int maxMessage;

  private Buffer pending = Buffer.buffer();
  private int pos;

  /** A framer for the startup phase (messages up to 1 MiB). */
  public BackendFramer() {
    this(MAX_STARTUP_MESSAGE);
  }

  public BackendFramer(int maxMessage) {
    this.maxMessage = maxMessage;
  }

  public void append(Buffer bytes) {
    if (pos == pending.length()) {
      pending = bytes.copy();
      pos = 0;
    } else {
      // Keep only the unconsumed tail, so a long stream never accumulates what was already returned.
      if (pos > 0) {
        pending = pending.getBuffer(pos, pending.length());
        pos = 0;
      }
      pending.appendBuffer(bytes);
    }
  }

  /** The next whole message, or {@code null} when more bytes are needed. */
  public BackendMessage next() {
    if (pending.length() - pos < 5) {
      return null;
    }
    int length = pending.getInt(pos + 1);
    if (length < 4 || length > maxMessage) {
      throw new UpstreamException(UpstreamFailure.OTHER, "the target sent a malformed message");
    }
    if (pending.length() - pos < 1 + length) {
      return null;
    }
    byte type = pending.getByte(pos);
    Buffer body = pending.getBuffer(pos + 5, pos + 1 + length);
    pos += 1 + length;
    return new BackendMessage(type, body);
  }

  /** Bytes received but not yet returned as messages (handed to the relay after the handshake). */
  public Buffer remaining() {
    Buffer rest = pending.getBuffer(pos, pending.length());
    pending = Buffer.buffer();
    pos = 0;
    return rest;
  }
}
