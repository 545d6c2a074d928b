package dev.portcullis.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default sink: append-only JSON-lines files, one per topic ({@code <dir>/portcullis.sessions.jsonl},
 * …), for single-machine and dev use.
 *
 * <p>All file work runs, in order, on one dedicated worker thread, never on an event loop. A batch's Future
 * completes once its lines are written to the files (they survive a gateway crash); the files are fsynced at
 * most every {@code fsyncIntervalMs} (and by a timer when the journal goes quiet, and on close), which bounds
 * what a machine crash can lose.
 */
public final class JournalSink implements EventSink {
  public static final long DEFAULT_FSYNC_INTERVAL_MS = 200;
  public static final long DEFAULT_ROTATE_BYTES = 256L * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(JournalSink.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Vertx vertx;
  private final WorkerExecutor writer;
  private final JournalFiles files;
  private final long syncTimer;

  private JournalSink(Vertx vertx, WorkerExecutor writer, JournalFiles files, long fsyncIntervalMs) {
    this.vertx = vertx;
    this.writer = writer;
    this.files = files;
    this.syncTimer = vertx.setPeriodic(Math.max(fsyncIntervalMs, 10), id -> writer.executeBlocking(() -> {
      files.syncIfDirty();
      return null;
    }).onFailure(e -> LOG.error("journal: fsync failed", e)));
  }

  /** Opens (creating the directory) with the default topic prefix, fsync interval and rotation size. */
  public static Future<EventSink> open(Vertx vertx, Path dir) {
    return open(vertx, dir, TopicRouting.defaults(), DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_ROTATE_BYTES);
  }

  /**
   * @param fsyncIntervalMs the longest time written events stay unsynced; 0 fsyncs every batch
   * @param rotateBytes     a topic file larger than this is renamed with a timestamp and started afresh
   */
  public static Future<EventSink> open(
      Vertx vertx, Path dir, TopicRouting routing, long fsyncIntervalMs, long rotateBytes) {
    WorkerExecutor writer =
        vertx.createSharedWorkerExecutor("portcullis-journal-" + INSTANCES.incrementAndGet(), 1);
    return writer
        .executeBlocking(() -> new JournalFiles(dir, routing, rotateBytes, fsyncIntervalMs, Clock.systemUTC()))
        .<EventSink>map(files -> new JournalSink(vertx, writer, files, fsyncIntervalMs))
        .onFailure(e -> writer.close());
  }

  @Override
  public Future<Void> write(List<SessionEvent> batch) {
    List<SessionEvent> copy = List.copyOf(batch);
    return writer.executeBlocking(() -> {
      files.append(copy);
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(syncTimer);
    return writer.<Void>executeBlocking(() -> {
      files.close();
      return null;
    }).eventually(writer::close);
  }
}
