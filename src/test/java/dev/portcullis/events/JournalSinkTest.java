package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalSinkTest {
  static final String SESSIONS = "portcullis.sessions";
  private final Vertx vertx = Vertx.vertx();
  @TempDir Path tmp;

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static List<SessionEvent> ended(int from, int to) {
    List<SessionEvent> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      events.add(SessionEvents.ended(SessionEventsTest.SESSION, "n" + i, i, i));
    }
    return events;
  }

  static List<Object> reasons(List<SessionEvent> events) {
    return events.stream().map(e -> e.details().get("reason")).toList();
  }

  @Test
  void appendsInOrderAcrossReopenAndCreatesTheDirectory() throws Exception {
    Path dir = tmp.resolve("a/b/journal");
    EventSink first = await(JournalSink.open(vertx, dir));
    await(first.write(ended(0, 3)));
    await(first.write(ended(3, 5)));
    await(first.close());
    EventSink second = await(JournalSink.open(vertx, dir));
    await(second.write(ended(5, 8)));
    await(second.close());

    List<SessionEvent> back = JournalReader.read(dir, SESSIONS);
    assertEquals(reasons(ended(0, 8)), reasons(back));
    assertEquals(8, Files.readAllLines(dir.resolve("portcullis.sessions.jsonl")).size());
    for (String line : Files.readAllLines(dir.resolve("portcullis.sessions.jsonl"))) {
      EventSchemas.assertValid(line);
    }
    // statement texts are sensitive: owner-only directory and files
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertEquals("rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("portcullis.sessions.jsonl"))));
  }

  @Test
  void routesEachTypeToItsTopicFileWithTheConfiguredPrefix() throws Exception {
    TopicRouting routing = new TopicRouting("acme.");
    EventSink sink = await(JournalSink.open(vertx, tmp, routing, 0, JournalSink.DEFAULT_ROTATE_BYTES));
    SessionEvent frame = SessionEvent.of(EventType.IO_FRAME, SessionEventsTest.SESSION, Map.of("n", 1L));
    SessionEvent asked = SessionEvent.of(EventType.APPROVAL_REQUESTED, SessionEventsTest.SESSION, Map.of());
    SessionEvent decided = SessionEvent.of(EventType.APPROVAL_DECIDED, SessionEventsTest.SESSION, Map.of());
    SessionEvent ended = ended(0, 1).get(0);
    await(sink.write(List.of(frame, ended, asked, decided)));
    await(sink.close());
    assertEquals(List.of(ended), JournalReader.read(tmp, "acme.sessions"));
    assertEquals(List.of(frame), JournalReader.read(tmp, "acme.recordings"));
    assertEquals(List.of(asked), JournalReader.read(tmp, "acme.approvals.requests"));
    assertEquals(List.of(decided), JournalReader.read(tmp, "acme.approvals.decisions"));
  }

  @Test
  void rotatesBySizeAndReadsBackInOrder() throws Exception {
    EventSink sink = await(JournalSink.open(vertx, tmp, TopicRouting.defaults(), 0, 1500));
    for (int i = 0; i < 10; i++) {
      await(sink.write(ended(i * 3, i * 3 + 3)));
    }
    await(sink.close());
    List<Path> files = JournalReader.files(tmp, SESSIONS);
    assertTrue(files.size() > 3, files::toString);
    for (Path f : files.subList(0, files.size() - 1)) {
      assertTrue(f.getFileName().toString().matches("portcullis\\.sessions\\.\\d{8}T\\d{6}\\.\\d{6}Z(-\\d+)?\\.jsonl"),
          f::toString);
    }
    assertEquals(reasons(ended(0, 30)), reasons(JournalReader.read(tmp, SESSIONS)));
  }

  @Test
  void aTornLastLineIsSealedSoLaterEventsStayReadable() throws Exception {
    Path file = tmp.resolve("portcullis.sessions.jsonl");
    EventSink sink = await(JournalSink.open(vertx, tmp));
    await(sink.write(ended(0, 1)));
    await(sink.close());
    Files.writeString(file, "{\"id\":\"torn", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    EventSink again = await(JournalSink.open(vertx, tmp));
    await(again.write(ended(1, 2)));
    await(again.close());
    assertEquals(reasons(ended(0, 2)), reasons(JournalReader.read(tmp, SESSIONS)));
  }

  @Test
  void anEventThatFailsMidWriteIsDroppedWholeAndItsNeighboursAreWritten() throws Exception {
    Map<String, Object> details = new java.util.LinkedHashMap<>();
    details.put("reason", "half written"); // written before the writer reaches the bad value
    details.put("durationMs", 1L);
    details.put("statements", new Object());
    SessionEvent bad = SessionEvent.of(EventType.SESSION_ENDED, SessionEventsTest.SESSION, details);
    List<SessionEvent> first = new ArrayList<>(ended(0, 2));
    first.add(bad);
    first.addAll(ended(2, 3));
    EventSink sink = await(JournalSink.open(vertx, tmp));
    await(sink.write(first));
    await(sink.write(List.of(bad)));
    await(sink.write(ended(3, 4)));
    await(sink.close());
    List<String> lines = Files.readAllLines(tmp.resolve("portcullis.sessions.jsonl"), StandardCharsets.UTF_8);
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.stream().noneMatch(l -> l.contains("half written")), String.join("\n", lines));
    assertEquals(reasons(ended(0, 4)), reasons(JournalReader.read(tmp, SESSIONS)));
  }

  @Test
  void aBatchTooLargeToKeepItsBufferIsWrittenAndLaterBatchesStillAre() throws Exception {
    EventSink sink = await(JournalSink.open(vertx, tmp));
    await(sink.write(ended(0, 14_000))); // ~5 Mi chars of lines (> 4 Mi): the topic's buffer is shrunk afterwards
    await(sink.write(ended(14_000, 14_002)));
    await(sink.close());
    assertEquals(reasons(ended(0, 14_002)), reasons(JournalReader.read(tmp, SESSIONS)));
  }

  @Test
  void writesAfterCloseFail() throws Exception {
    EventSink sink = await(JournalSink.open(vertx, tmp));
    await(sink.close());
    assertThrows(Exception.class, () -> await(sink.write(ended(0, 1))));
  }

  @Test
  void anUnwritableDirectoryFailsTheOpen() throws Exception {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    assertThrows(Exception.class, () -> await(JournalSink.open(vertx, notADir.resolve("journal"))));
  }
}
