package dev.portcullis.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads events back from a journal directory (CLI, tests, ad-hoc forensics). Blocking: never call it on an event
 * loop. Reads a topic's rotated files oldest first, then the current file, so events come back in written order.
 */
public final class JournalReader {
  private JournalReader() {}

  /** The files of one topic, in written order. */
  public static List<Path> files(Path dir, String topic) throws IOException {
    List<Path> rotated = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, topic + ".*.jsonl")) {
        for (Path p : stream) {
          rotated.add(p);
        }
      }
    }
    rotated.sort(null); // rotated names carry a sortable UTC timestamp
    Path current = JournalFiles.fileOf(dir, topic);
    if (Files.exists(current)) {
      rotated.add(current);
    }
    return rotated;
  }

  /**
   * Every event of one topic (e.g. {@code portcullis.sessions}). Empty lines and torn writes (a line cut short by
   * a crash, so not ending in a closing brace) are skipped; any other unreadable line is an error naming file and
   * line.
   */
  public static List<SessionEvent> read(Path dir, String topic) throws IOException {
    List<SessionEvent> events = new ArrayList<>();
    for (Path file : files(dir, topic)) {
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          if (line.isBlank() || !line.endsWith("}")) {
            continue; // a torn write from a crash (the journal restarts on a fresh line after one)
          }
          try {
            events.add(EventJson.decode(line));
          } catch (IllegalArgumentException e) {
            throw new IOException(file + ":" + n + ": " + e.getMessage(), e);
          }
        }
      }
    }
    return events;
  }
}
