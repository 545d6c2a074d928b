package dev.portcullis.events.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The persisted position of the first spooled byte Kafka has not acknowledged: 16 bytes, {@code int64 offset |
 * int64 offset ^ MAGIC}, rewritten in place. Written without fsync (it is fsynced on close): after a machine crash
 * an older cursor only means records are sent again, which at-least-once delivery allows; a torn cursor fails its
 * check and the spool starts from its oldest segment, likewise.
 */
final class SpoolCursor implements AutoCloseable {
  private static final long MAGIC = 0x706f727463756c6cL; // "portcull"
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(16);

  SpoolCursor(Path file) throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** The stored offset, or -1 when there is none (new spool) or it does not check out. */
  long read() throws IOException {
    ByteBuffer in = ByteBuffer.allocate(16);
    while (in.hasRemaining() && channel.read(in, in.position()) > 0) {
      // keep reading
    }
    if (in.hasRemaining()) {
      return -1;
    }
    long offset = in.getLong(0);
    return (offset ^ MAGIC) == in.getLong(8) && offset >= 0 ? offset : -1;
  }

  void write(long offset) throws IOException {
    buffer.clear();
    buffer.putLong(offset).putLong(offset ^ MAGIC).flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer, buffer.position());
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.force(false);
    } finally {
      channel.close();
    }
  }
}
