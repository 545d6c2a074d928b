package dev.portcullis.ssh;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Copies one SSH channel stream to another with back-pressure: the next read is issued only when the previous
 * chunk was written. A MINA async input stream re-opens its channel window only as it is read, so a slow reader on
 * one side holds the writer on the other side to at most a window plus one chunk — never an unbounded buffer.
 */
final class StreamPump {
  /** At most this much is read at once (the data in flight besides the two SSH windows). */
  static final int CHUNK = 32 * 1024;

  @FunctionalInterface
  interface Tap {
    void bytes(byte[] b, int off, int len);
  }

  private final IoInputStream from;
  private final IoOutputStream to;
  private final Tap tap;
  private final Runnable onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();

  /** @param onEnd runs once: at end of input, or when either side closed or failed */
  StreamPump(IoInputStream from, IoOutputStream to, Tap tap, Runnable onEnd) {
    this.from = from;
    this.to = to;
    this.tap = tap;
    this.onEnd = onEnd;
  }

  void start() {
    loop();
  }

  boolean ended() {
    return ended.get();
  }

  /**
   * Reads and writes while both complete at once; otherwise continues from the completion listener. The loop
   * (rather than recursion through listeners) keeps the stack flat when data is already waiting.
   */
  private void loop() {
    while (!ended.get()) {
      IoReadFuture read;
      try {
        read = from.read(new ByteArrayBuffer(CHUNK, false));
      } catch (RuntimeException e) {
        end();
        return;
      }
      if (!read.isDone()) {
        read.addListener(done -> {
          if (written(done)) {
            loop();
          }
        });
        return;
      }
      if (!written(read)) {
        return;
      }
    }
  }

  /** Passes a completed read on; true when its write also completed already, so the loop may read again. */
  private boolean written(IoReadFuture read) {
    if (read.getException() != null || read.getRead() < 0) {
      end();
      return false;
    }
    Buffer buffer = read.getBuffer();
    int n = buffer.available();
    if (n == 0) {
      return true;
    }
    tap.bytes(buffer.array(), buffer.rpos(), n);
    IoWriteFuture write;
    try {
      write = to.writeBuffer(buffer);
    } catch (IOException | RuntimeException e) {
      end();
      return false;
    }
    if (write.isDone()) {
      if (!write.isWritten()) {
        end();
        return false;
      }
      return true;
    }
    write.addListener(done -> {
      if (done.isWritten()) {
        loop();
      } else {
        end();
      }
    });
    return false;
  }

  void end() {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
    }
  }
}
