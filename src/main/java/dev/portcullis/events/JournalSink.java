package dev.portcullis.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedded event sink: append-only JSON-lines files, one per topic ({@code portcullis.sessions.jsonl} …), so a
 * single machine needs no Kafka. All file work happens on one dedicated thread, which also keeps batches in order.
 *
 * <p>Each batch is written and forced to disk ({@code fsync}) before its Future completes: the publisher only
 * forgets events the disk has. Batching (the publisher drains its whole queue into one write) keeps the number of
 * fsyncs per second small under load.
 */
public final class JournalSink implements EventSink {
  private final Path dir;
  private final TopicRouting routing;
  private final ExecutorService writer;
  private final Map<String, FileChannel> files = new HashMap<>();

  public JournalSink(Path dir, TopicRouting routing) {
    this.dir = dir;
    this.routing = routing;
    this.writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "portcullis-journal");
      t.setDaemon(true);
      return t;
    });
  }

  public Path dir() {
    return dir;
  }

  /** The file a topic's events go to. */
  public Path fileFor(String topic) {
    return dir.resolve(topic + ".jsonl");
  }

  @Override
  public Future<Void> write(List<SessionEvent> batch) {
    Promise<Void> done = Promise.promise();
    try {
      writer.execute(() -> {
        try {
          append(batch);
          done.complete();
        } catch (IOException | RuntimeException e) {
          done.fail(e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.fail(new IOException("journal is closed"));
    }
    return done.future();
  }

  private void append(List<SessionEvent> batch) throws IOException {
    Map<FileChannel, StringBuilder> pending = new HashMap<>();
    for (SessionEvent event : batch) {
      FileChannel file = channel(routing.topicFor(event.type()));
      pending.computeIfAbsent(file, f -> new StringBuilder()).append(EventJson.toLine(event)).append('\n');
    }
    for (Map.Entry<FileChannel, StringBuilder> e : pending.entrySet()) {
      ByteBuffer bytes = ByteBuffer.wrap(e.getValue().toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        e.getKey().write(bytes);
      }
      e.getKey().force(false);
    }
  }

  private FileChannel channel(String topic) throws IOException {
    FileChannel file = files.get(topic);
    if (file == null) {
      Files.createDirectories(dir);
      file = FileChannel.open(fileFor(topic), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      files.put(topic, file);
    }
    return file;
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    try {
      writer.execute(() -> {
        for (FileChannel file : files.values()) {
          try {
            file.close();
          } catch (IOException ignored) {
            // closing after a forced write loses nothing
          }
        }
        files.clear();
        done.complete();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.complete();
    }
    writer.shutdown();
    return done.future();
  }
}
