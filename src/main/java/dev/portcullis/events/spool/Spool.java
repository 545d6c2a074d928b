package dev.portcullis.events.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable write-ahead spool on local disk: records are appended (and fsynced) by one writer thread and read, in
 * the same order, by one forwarder ({@link SpoolReader}), which {@link #acknowledge}s them once delivered.
 *
 * <p>Positions are byte offsets that only grow, across restarts: a segment file {@code <base>.seg} holds the
 * frames ({@link SpoolFrames}) from offset {@code base}; the active (last) segment takes appends and a new one is
 * started once it passes {@code segmentBytes}. The {@link SpoolCursor} records the first unacknowledged offset;
 * segments wholly before it are deleted. Opening the spool cuts a torn tail (a frame a crash left incomplete) off
 * the last segment, so a restart resumes at the cursor with every complete record.
 *
 * <p>The spool never holds more than {@code maxBytes} on disk: records that do not fit are refused (the caller
 * counts them) and the spool reports itself {@link #full()} until it has drained to 90 %.
 */
public final class Spool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final String SUFFIX = ".seg";

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final FileChannel lock;
  private final SpoolCursor cursorFile;
  /** base offset → file; the writer adds, the reader's acknowledgements remove. */
  final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();
  private FileChannel active;
  private long activeBase;
  private volatile long end;
  private volatile long cursor;
  private volatile long lastProgressMillis = System.currentTimeMillis();
  private volatile boolean full;
  private volatile Runnable onAppend = () -> {};
  private boolean closed;
  /** Notified whenever the cursor moves, for {@link #awaitAcknowledged}. */
  private final Object progress = new Object();

  private Spool(Path dir, long maxBytes, long segmentBytes) throws IOException {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(dir);
    this.lock = lock(dir);
    this.cursorFile = new SpoolCursor(dir.resolve("cursor"));
  }

  /** One process per spool: two writers would interleave segments and both move the cursor. */
  private static FileChannel lock(Path dir) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() == null) {
        throw new IOException("event spool " + dir + " is in use by another process (each gateway needs its own "
            + "events.kafka.spool.dir)");
      }
    } catch (java.nio.channels.OverlappingFileLockException e) {
      channel.close();
      throw new IOException("event spool " + dir + " is already open in this process", e);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return channel;
  }

  /** A segment size that keeps the acknowledged part of the active segment small next to {@code maxBytes}. */
  public static long defaultSegmentBytes(long maxBytes) {
    return Math.max(64 << 10, Math.min(64L << 20, maxBytes / 8));
  }

  /** Opens (or creates) the spool in {@code dir}, recovering what a previous run left. */
  public static Spool open(Path dir, long maxBytes, long segmentBytes) throws IOException {
    Spool spool = new Spool(dir, maxBytes, segmentBytes);
    try {
      spool.recover();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().matches("\\d{20}\\" + SUFFIX))
          .forEach(f -> segments.put(Long.parseLong(f.getFileName().toString().substring(0, 20)), f));
    }
    long stored = cursorFile.read();
    if (segments.isEmpty()) {
      activeBase = Math.max(stored, 0);
      active = openSegment(activeBase);
      end = activeBase;
    } else {
      activeBase = segments.lastKey();
      long valid = SpoolReader.validLength(segments.lastEntry().getValue());
      active = FileChannel.open(segments.lastEntry().getValue(), StandardOpenOption.WRITE, StandardOpenOption.READ);
      if (valid < active.size()) {
        LOG.warn("event spool: {} ends with {} bytes of a torn record (earlier crash); cut off",
            segments.lastEntry().getValue(), active.size() - valid);
        active.truncate(valid);
        active.force(true);
      }
      end = activeBase + valid;
    }
    long first = segments.firstKey();
    cursor = stored < first ? first : Math.min(stored, end);
    cursorFile.write(cursor);
    deleteAcknowledgedSegments();
    if (end > cursor) {
      LOG.info("event spool {}: {} bytes of events from an earlier run wait for delivery", dir, end - cursor);
    }
  }

  /**
   * Appends the records in order and fsyncs them; writer thread only.
   *
   * @return how many of the records (a prefix) were stored; the rest did not fit in {@code maxBytes}
   */
  public synchronized int append(List<SpoolRecord> records) throws IOException {
    if (closed) {
      throw new IOException("event spool is closed");
    }
    int bytes = 0;
    int fit = 0;
    long used = end - segments.firstKey();
    for (SpoolRecord r : records) {
      int size = SpoolFrames.size(r);
      if (used + bytes + size > maxBytes) {
        full = true;
        break;
      }
      bytes += size;
      fit++;
    }
    if (fit == 0) {
      return 0;
    }
    if (end > activeBase && end - activeBase + bytes > segmentBytes) {
      roll();
    }
    ByteBuffer out = ByteBuffer.allocate(bytes);
    for (int i = 0; i < fit; i++) {
      SpoolFrames.write(out, records.get(i));
    }
    out.flip();
    long position = end - activeBase;
    while (out.hasRemaining()) {
      position += active.write(out, position);
    }
    active.force(false);
    if (cursor == end) {
      lastProgressMillis = System.currentTimeMillis(); // a caught-up spool starts waiting only now
    }
    end += bytes;
    onAppend.run();
    return fit;
  }

  private void roll() throws IOException {
    active.close();
    activeBase = end;
    active = openSegment(activeBase);
  }

  private FileChannel openSegment(long base) throws IOException {
    Path file = dir.resolve(String.format("%020d%s", base, SUFFIX));
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    segments.put(base, file);
    return channel;
  }

  /** Everything before {@code offset} reached Kafka: persist the cursor and delete segments wholly before it. */
  public void acknowledge(long offset) {
    if (offset <= cursor) {
      return;
    }
    cursor = offset;
    lastProgressMillis = System.currentTimeMillis();
    synchronized (progress) {
      progress.notifyAll();
    }
    try {
      cursorFile.write(offset);
      deleteAcknowledgedSegments();
    } catch (IOException e) {
      throw new UncheckedIOException("event spool: cannot record delivery progress in " + dir, e);
    }
    if (full && end - segments.firstKey() <= maxBytes / 10 * 9) {
      full = false;
    }
  }

  private void deleteAcknowledgedSegments() throws IOException {
    Map.Entry<Long, Path> first = segments.firstEntry();
    while (first != null) {
      Map.Entry<Long, Path> next = segments.higherEntry(first.getKey());
      if (next == null || next.getKey() > cursor) {
        return; // the active segment, or one still holding unacknowledged records
      }
      Files.deleteIfExists(first.getValue());
      segments.remove(first.getKey());
      first = next;
    }
  }

  /** Waits until everything before {@code offset} is acknowledged; false when {@code timeoutMs} passed first. */
  public boolean awaitAcknowledged(long offset, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    synchronized (progress) {
      while (cursor < offset) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
    }
    return true;
  }

  /** Called (on the writer thread) after each append; the forwarder uses it to wake up. */
  public void onAppend(Runnable listener) {
    this.onAppend = listener;
  }

  public Path dir() {
    return dir;
  }

  /** Offset just after the last durable record. */
  public long end() {
    return end;
  }

  /** Offset of the first record Kafka has not acknowledged. */
  public long cursor() {
    return cursor;
  }

  /** Bytes waiting for delivery. */
  public long unacknowledgedBytes() {
    return end - cursor;
  }

  /** Bytes the segment files hold. */
  public long usedBytes() {
    Long first = segments.isEmpty() ? null : segments.firstKey();
    return first == null ? 0 : end - first;
  }

  /** When the spool last made progress: a record acknowledged, or the first record appended to a drained spool. */
  public long lastProgressMillis() {
    return lastProgressMillis;
  }

  /** Records were refused for lack of room and the spool has not drained to 90 % since. */
  public boolean full() {
    return full || usedBytes() > maxBytes;
  }

  /**
   * Full, or holding 90 % of {@code maxBytes} or more. The gateway stops admitting new sessions here, before any
   * event is dropped, so that the sessions already running have the last tenth to spool into.
   */
  public boolean nearlyFull() {
    return full() || usedBytes() >= maxBytes / 10 * 9;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** A reader from the cursor on (one per forwarder). */
  public SpoolReader reader() {
    return new SpoolReader(this);
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (active != null) {
        active.force(false);
        active.close();
      }
    } finally {
      try {
        cursorFile.close();
      } finally {
        lock.close(); // releases the lock
      }
    }
  }
}
