package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames the backend byte stream that arrives from the forwarder in batches (a message may span batches) and hands
 * the few message types the gateway must see to a {@link Listener}; everything else is written through untouched.
 *
 * <pre>
 * byte1 type | int32 length (incl. itself) | body
 * inspected (held until whole, at most 1 MiB): C CommandComplete, E ErrorResponse, Z ReadyForQuery,
 *                                              S ParameterStatus, I EmptyQueryResponse, s PortalSuspended
 * any other (DataRow, RowDescription, CopyData…): passed on as its bytes arrive, never buffered
 * once {@link #inspectRows()}: also T RowDescription, n NoData, N NoticeResponse, A NotificationResponse,
 *                              1 ParseComplete, t ParameterDescription, H CopyOutResponse (at most 1 MiB) and
 *                              D DataRow, d CopyData (held whole, at most {@link #MAX_ROW_BYTES}) — for masking
 * </pre>
 *
 * {@link #decode} returns the segments to write to the client, in order: slices of the batch (zero copy) plus any
 * replacement the listener asked for. A listener that cannot decide yet (masking waits for the column catalog)
 * returns {@link #PAUSE}: decoding stops before that message, {@link #paused()} turns true, and the next
 * {@code decode} (an empty buffer will do) starts again with that message.
 */
public final class BackendFrameDecoder {
  /** Sees a whole inspected message; returns it to pass it on, {@code null} to drop it, or a replacement. */
  @FunctionalInterface
  public interface Listener {
    Buffer onMessage(byte type, Buffer message);
  }

  static final int MAX_INSPECTED_BYTES = 1 << 20;
  /** A masked row is rewritten whole, so it is held whole: bounded like a client's largest message. */
  public static final int MAX_ROW_BYTES = 16 << 20;
  /** Returned by a listener to stop before the message it was shown; compared by identity. */
  public static final Buffer PAUSE = Buffer.buffer(new byte[0]);

  private final Listener listener;
  /** Bytes of a message whose start has already been passed on. */
  private long skipRemaining;
  /** An incomplete header or an incomplete inspected message, held until the rest arrives. */
  private Buffer carry;
  private boolean inspectRows;
  private boolean paused;

  public BackendFrameDecoder(Listener listener) {
    this.listener = listener;
  }

  /** From now on rows, row descriptions and notices are shown to the listener too (never switched off again). */
  public void inspectRows() {
    inspectRows = true;
  }

  /** Whether the last {@link #decode} stopped at a message the listener answered with {@link #PAUSE}. */
  public boolean paused() {
    return paused;
  }

  private boolean inspected(byte type) {
    return switch (type) {
      case 'C', 'E', 'Z', 'S', 'I', 's' -> true;
      case 'T', 'D', 'n', 'N', 'A', '1', 't', 'H', 'd' -> inspectRows;
      default -> false;
    };
  }

  public List<Buffer> decode(Buffer batch) {
    paused = false;
    List<Buffer> out = new ArrayList<>(2);
    Buffer buf = batch;
    int pos = 0;
    int len = buf.length();
    if (skipRemaining > 0) {
      int n = (int) Math.min(skipRemaining, len);
      skipRemaining -= n;
      if (n > 0) {
        out.add(buf.slice(0, n));
      }
      pos = n;
    }
    if (carry != null && (pos < len || len == 0)) {
      buf = Buffer.buffer(carry.length() + len - pos).appendBuffer(carry).appendBuffer(batch, pos, len - pos);
      carry = null;
      pos = 0;
      len = buf.length();
    }
    int rangeStart = pos;
    while (pos < len) {
      if (len - pos < 5) {
        carry = buf.getBuffer(pos, len);
        break;
      }
      byte type = buf.getByte(pos);
      int length = buf.getInt(pos + 1);
      if (length < 4) {
        throw new IllegalStateException("backend sent an invalid message length " + length);
      }
      long total = 1L + length;
      if (!inspected(type)) {
        if (pos + total <= len) {
          pos += (int) total;
          continue;
        }
        skipRemaining = pos + total - len;
        pos = len;
        break;
      }
      if (total > (type == 'D' || type == 'd' ? MAX_ROW_BYTES : MAX_INSPECTED_BYTES)) {
        throw new IllegalStateException("backend message '" + (char) type + "' of " + total + " bytes");
      }
      if (pos + total > len) {
        carry = buf.getBuffer(pos, len);
        break;
      }
      Buffer message = buf.slice(pos, pos + (int) total);
      Buffer result = listener.onMessage(type, message);
      if (result == PAUSE) {
        if (pos > rangeStart) {
          out.add(buf.slice(rangeStart, pos));
        }
        carry = buf.getBuffer(pos, len); // a copy: the batch's buffer goes back to the forwarder with its ack
        paused = true;
        return out;
      }
      if (result != message) {
        if (pos > rangeStart) {
          out.add(buf.slice(rangeStart, pos));
        }
        if (result != null) {
          out.add(result);
        }
        rangeStart = pos + (int) total;
      }
      pos += (int) total;
    }
    int rangeEnd = carry != null && pos < len ? pos : len;
    if (rangeEnd > rangeStart) {
      out.add(buf.slice(rangeStart, rangeEnd));
    }
    return out;
  }
}
