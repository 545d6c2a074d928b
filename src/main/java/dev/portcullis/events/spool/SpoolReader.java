package dev.portcullis.events.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link Spool} in order from a position, never past its durable end. Used by one thread (the forwarder).
 */
public final class SpoolReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpoolReader.class);
  private static final int CHUNK = 256 << 10;

  /** A record and the offset just after it (what to acknowledge once it is delivered). */
  public record Entry(SpoolRecord record, long end) {}

  /**
   * What one read returned.
   *
   * @param end the position after this chunk; beyond the last entry's end when corrupt bytes were skipped
   */
  public record Chunk(List<Entry> entries, long end) {}

  private final Spool spool;
  private long position;
  private long channelBase = -1;
  private FileChannel channel;
  private ByteBuffer buffer = ByteBuffer.allocate(CHUNK);

  SpoolReader(Spool spool) {
    this.spool = spool;
    this.position = spool.cursor();
  }

  public long position() {
    return position;
  }

  /** Reads again from {@code offset} (the cursor, after a failed delivery). */
  public void rewind(long offset) {
    position = offset;
  }

  /** Up to {@code maxRecords} records from the position on; an empty chunk when nothing durable is left. */
  public Chunk read(int maxRecords) throws IOException {
    List<Entry> entries = new ArrayList<>();
    long durableEnd = spool.end();
    while (entries.isEmpty() && position < durableEnd) {
      Map.Entry<Long, Path> segment = spool.segments.floorEntry(position);
      if (segment == null) {
        position = spool.segments.firstKey(); // before the oldest segment: nothing there any more
        continue;
      }
      open(segment.getKey(), segment.getValue());
      Long nextBase = spool.segments.higherKey(segment.getKey());
      long limit = nextBase != null ? Math.min(durableEnd, segment.getKey() + channel.size()) : durableEnd;
      if (position >= limit) {
        if (nextBase == null) {
          break;
        }
        position = nextBase;
        continue;
      }
      readFrames(segment.getKey(), limit, maxRecords, entries);
    }
    return new Chunk(entries, position);
  }

  private void readFrames(long base, long limit, int maxRecords, List<Entry> entries) throws IOException {
    buffer.clear();
    int want = (int) Math.min(buffer.capacity(), limit - position);
    buffer.limit(want);
    long at = position - base;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at + buffer.position());
      if (n < 0) {
        break;
      }
    }
    buffer.flip();
    while (entries.size() < maxRecords && buffer.hasRemaining()) {
      int size = SpoolFrames.check(buffer);
      if (size > 0) {
        SpoolRecord record = SpoolFrames.read(buffer);
        position += size;
        entries.add(new Entry(record, position));
      } else if (size == 0 && buffer.remaining() >= SpoolFrames.HEADER && entries.isEmpty()
          && position + SpoolFrames.declaredSize(buffer) <= limit && buffer.capacity() < SpoolFrames.declaredSize(buffer)) {
        buffer = ByteBuffer.allocate(SpoolFrames.declaredSize(buffer)); // one record larger than a chunk
        return;
      } else if (size == 0 && position + buffer.remaining() < limit) {
        return; // the rest of this frame comes with the next read
      } else {
        LOG.error("event spool: corrupt record at offset {} in {}; skipping the {} bytes up to offset {}: "
            + "THOSE EVENTS ARE LOST", position, spool.dir(), limit - position, limit);
        position = limit;
        return;
      }
    }
  }

  private void open(long base, Path file) throws IOException {
    if (channelBase == base && channel != null) {
      return;
    }
    close();
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new IOException("event spool segment " + file + " vanished", e);
    }
    channelBase = base;
  }

  /** Length of the valid frames at the start of {@code segment}: what survives a torn tail. */
  static long validLength(Path segment) throws IOException {
    long valid = 0;
    try (FileChannel in = FileChannel.open(segment, StandardOpenOption.READ)) {
      long size = in.size();
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      while (valid < size) {
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), size - valid));
        while (buf.hasRemaining() && in.read(buf, valid + buf.position()) > 0) {
          // fill
        }
        buf.flip();
        int consumed = 0;
        while (true) {
          int n = SpoolFrames.check(buf);
          if (n <= 0) {
            if (n == 0 && consumed == 0 && buf.remaining() >= SpoolFrames.HEADER
                && SpoolFrames.declaredSize(buf) > buf.capacity() && valid + SpoolFrames.declaredSize(buf) <= size) {
              buf = ByteBuffer.allocate(SpoolFrames.declaredSize(buf));
              break; // re-read this frame with a buffer that holds it
            }
            if (n < 0 || consumed == 0) {
              return valid + consumed; // torn or corrupt from here on
            }
            break;
          }
          buf.position(buf.position() + n);
          consumed += n;
        }
        valid += consumed;
      }
    }
    return valid;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
      channelBase = -1;
    }
  }
}
