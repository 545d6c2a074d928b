package dev.portcullis.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's files, blocking and single-writer: {@code <dir>/<topic>.jsonl}, one JSON event per line, opened
 * in append mode so a restart continues where the last run stopped. Used by {@link JournalSink} from its one
 * writer thread; the methods are synchronized only as a safety net.
 *
 * <p>A file that grows past {@code rotateBytes} is renamed {@code <topic>.<UTC time>.jsonl} (names sort in
 * time order) and a new one is started.
 */
final class JournalFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalFiles.class);
  private static final int MAX_KEPT_CHARS = 4 * 1024 * 1024;
  private static final int MAX_REMEMBERED_TYPES = 64;
  private static final DateTimeFormatter ROTATED =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  // Statement texts are sensitive (forensics data): new journal directories and files are owner-only.
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

  private final Path dir;
  private final TopicRouting routing;
  private final long rotateBytes;
  private final long syncIntervalMs;
  private final Clock clock;
  private final Map<String, FileChannel> open = new HashMap<>();
  // One reusable line buffer per topic (a batch's lines, in order), so encoding allocates little per event.
  private final Map<String, StringBuilder> byTopic = new LinkedHashMap<>();
  private final Map<String, StringBuilder> byType = new HashMap<>();
  private long lastSync;
  private boolean dirty;
  private boolean closed;

  JournalFiles(Path dir, TopicRouting routing, long rotateBytes, long syncIntervalMs, Clock clock)
      throws IOException {
    this.dir = dir;
    this.routing = routing;
    this.rotateBytes = rotateBytes;
    this.syncIntervalMs = syncIntervalMs;
    this.clock = clock;
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    } else {
      Files.createDirectories(dir);
    }
    this.lastSync = clock.millis();
  }

  static Path fileOf(Path dir, String topic) {
    return dir.resolve(topic + ".jsonl");
  }

  /** Appends the batch, in order, to each event's topic file; fsyncs when the last fsync is old enough. */
  synchronized void append(List<SessionEvent> batch) throws IOException {
    if (closed) {
      throw new IOException("journal is closed");
    }
    for (StringBuilder lines : byTopic.values()) {
      lines.setLength(0);
    }
    for (SessionEvent event : batch) {
      StringBuilder lines = linesFor(event.type());
      try {
        EventJson.encodeTo(lines, event); // leaves the builder as it was when it fails
      } catch (RuntimeException e) {
        // Retrying cannot fix an event that does not encode; failing the batch would block all later events.
        LOG.error("journal: dropping an event that does not encode ({}, session {}): {}",
            event.type(), event.session() == null ? null : event.session().sessionId(), e.getMessage());
        continue;
      }
      lines.append('\n');
    }
    for (Map.Entry<String, StringBuilder> e : byTopic.entrySet()) {
      StringBuilder lines = e.getValue();
      if (lines.length() == 0) {
        continue;
      }
      byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
      if (lines.capacity() > MAX_KEPT_CHARS) {
        lines.setLength(0); // one huge batch should not pin its memory for good
        lines.trimToSize();
      }
      FileChannel channel = channelFor(e.getKey(), bytes.length);
      writeFully(channel, ByteBuffer.wrap(bytes));
      dirty = true;
    }
    if (clock.millis() - lastSync >= syncIntervalMs) {
      sync();
    }
  }

  /** The line buffer of the type's topic; remembered per type so that routing builds no string per event. */
  private StringBuilder linesFor(String type) {
    StringBuilder lines = byType.get(type);
    if (lines == null) {
      lines = byTopic.computeIfAbsent(routing.topicFor(type), t -> new StringBuilder(64 * 1024));
      if (byType.size() < MAX_REMEMBERED_TYPES) {
        byType.put(type, lines);
      }
    }
    return lines;
  }

  /** Called by a timer so that the tail of a quiet journal does not stay unsynced. */
  synchronized void syncIfDirty() throws IOException {
    if (dirty && !closed) {
      sync();
    }
  }

  private void sync() throws IOException {
    for (FileChannel channel : open.values()) {
      channel.force(false);
    }
    dirty = false;
    lastSync = clock.millis();
  }

  private FileChannel channelFor(String topic, int incoming) throws IOException {
    FileChannel channel = open.get(topic);
    if (channel == null) {
      channel = openAppending(fileOf(dir, topic));
      open.put(topic, channel);
    }
    if (channel.size() > 0 && channel.size() + incoming > rotateBytes) {
      channel.force(false);
      channel.close();
      open.remove(topic);
      rotate(topic);
      channel = openAppending(fileOf(dir, topic));
      open.put(topic, channel);
    }
    return channel;
  }

  private void rotate(String topic) throws IOException {
    String stamp = ROTATED.format(clock.instant());
    Path target = dir.resolve(topic + "." + stamp + ".jsonl");
    for (int n = 1; Files.exists(target); n++) {
      target = dir.resolve(topic + "." + stamp + "-" + n + ".jsonl");
    }
    Files.move(fileOf(dir, topic), target, StandardCopyOption.ATOMIC_MOVE);
    LOG.info("journal: rotated {} to {}", topic, target.getFileName());
  }

  private static FileChannel openAppending(Path file) throws IOException {
    boolean torn = endsTorn(file);
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    FileChannel channel = POSIX
        ? FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
        : FileChannel.open(file, options);
    if (torn) {
      // A crash mid-write can leave a torn last line; start on a fresh line so the next event stays readable.
      writeFully(channel, ByteBuffer.wrap(new byte[] {'\n'}));
      LOG.warn("journal: {} ended with a partial line (earlier crash?); continuing on a new line", file);
    }
    return channel;
  }

  private static boolean endsTorn(Path file) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      in.read(last, size - 1);
      return last.get(0) != '\n';
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (FileChannel channel : open.values()) {
      try {
        channel.force(false);
        channel.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
