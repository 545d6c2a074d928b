package dev.portcullis.ssh.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSchemas;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FrameRecorderTest {
  static final SessionInfo SESSION = new SessionInfo("s-7", "gw-1",
      new Identity("ci-bot", List.of("ai-agents"), "https://idp.test", Instant.parse("2026-12-05T04:00:00Z")),
      "web-1", "ssh");

  /** A clock the test moves; starts at an arbitrary nanoTime. */
  final AtomicLong nanos = new AtomicLong(123_456_789_000L);
  final List<SessionEvent> published = Collections.synchronizedList(new ArrayList<>());
  final FrameRecorder recorder = new FrameRecorder(published::add, SESSION, "s-7/1", nanos::get,
      new FrameRecorder.Limits(16, 50));

  void advanceMs(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void out(String s) {
    byte[] b = utf8(s);
    recorder.output(b, 0, b.length);
  }

  void in(String s) {
    byte[] b = utf8(s);
    recorder.input(b, 0, b.length);
  }

  List<SessionEvent> frames() {
    return published.stream().filter(e -> e.type().equals(EventType.IO_FRAME)).toList();
  }

  static String data(SessionEvent e) {
    return (String) e.details().get("data");
  }

  static String stream(SessionEvent e) {
    return (String) e.details().get("stream");
  }

  static long offset(SessionEvent e) {
    return (Long) e.details().get("offsetMs");
  }

  void err(String s) {
    byte[] b = utf8(s);
    recorder.error(b, 0, b.length);
  }

  @Test
  void stderrIsAStreamOfItsOwnInTheOrderItPassed() {
    out("ok\n");
    err("warn: é");
    byte[] euro = utf8("€");
    recorder.error(euro, 0, 1); // a character cut between two stderr reads, with stdout in between
    out("more\n");
    recorder.error(euro, 1, 2);
    err("\n");
    recorder.closed(1, null);
    List<SessionEvent> frames = frames();
    assertEquals(List.of("o", "e", "o", "e"), frames.stream().map(FrameRecorderTest::stream).toList());
    assertEquals(List.of("ok\n", "warn: é", "more\n", "€\n"), frames.stream().map(FrameRecorderTest::data).toList());
    for (SessionEvent f : frames) {
      EventSchemas.assertValid(EventJson.encode(f));
    }
  }

  @Test
  void smallWritesWaitTogetherUntilTheDelayPasses() {
    out("$ ");
    advanceMs(10);
    out("l");
    recorder.flushIfDue();
    assertEquals(List.of(), published, "10 ms: not due yet");
    advanceMs(40);
    recorder.flushIfDue();
    assertEquals(1, published.size());
    assertEquals("$ l", data(published.get(0)));
    assertEquals(0, offset(published.get(0)), "the frame is stamped with its first byte's time");
    recorder.flushIfDue();
    assertEquals(1, published.size(), "nothing pending: nothing published");
  }

  @Test
  void anotherStreamPublishesThePendingFrameSoOrderIsKept() {
    out("$ ");
    advanceMs(5);
    in("ls\r");
    advanceMs(5);
    recorder.resized(120, 40);
    advanceMs(5);
    out("a  b\r\n");
    recorder.closed(0, null);
    List<SessionEvent> frames = frames();
    assertEquals(List.of("o", "i", "r", "o"), frames.stream().map(FrameRecorderTest::stream).toList());
    assertEquals(List.of("$ ", "ls\r", "120x40", "a  b\r\n"), frames.stream().map(FrameRecorderTest::data).toList());
    assertEquals(List.of(0L, 5L, 10L, 15L), frames.stream().map(FrameRecorderTest::offset).toList());
    assertEquals(List.of(0L, 1L, 2L, 3L), frames.stream().map(e -> e.details().get("seq")).toList());
    assertEquals(120L, frames.get(2).details().get("cols"));
    assertEquals(40L, frames.get(2).details().get("rows"));
  }

  @Test
  void aFullFrameIsPublishedAtOnceAndAHugeWriteIsCutAsItGoes() {
    byte[] big = new byte[1000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ('a' + i % 26);
    }
    recorder.output(big, 0, big.length);
    List<SessionEvent> frames = frames();
    assertEquals(62, frames.size(), "1000 bytes: 62 full frames of 16 published, 8 bytes pending");
    for (SessionEvent f : frames) {
      assertEquals(16, data(f).length());
    }
    recorder.flush();
    StringBuilder all = new StringBuilder();
    frames().forEach(f -> all.append(data(f)));
    assertEquals(new String(big, StandardCharsets.US_ASCII), all.toString());
  }

  @Test
  void aCharacterSplitAcrossReadsOrAFrameBoundaryIsNeverSplit() {
    // 15 ASCII bytes, then a 4-byte emoji: the frame fills in the middle of the emoji
    byte[] b = utf8("123456789012345😀é");
    recorder.output(b, 0, 17); // up to the middle of the emoji
    recorder.flush();
    recorder.output(b, 17, b.length - 17);
    recorder.flush();
    List<String> datas = frames().stream().map(FrameRecorderTest::data).toList();
    assertEquals("123456789012345😀é", String.join("", datas));
    for (String d : datas) {
      assertFalse(d.contains("\uFFFD"), d);
      assertFalse(!d.isEmpty() && Character.isLowSurrogate(d.charAt(0)), "frame starts inside a pair: " + d);
      assertFalse(!d.isEmpty() && Character.isHighSurrogate(d.charAt(d.length() - 1)), "ends inside a pair: " + d);
    }
  }

  @Test
  void everyFrameMatchesTheSchema() {
    out("héllo\u001b[0m\r\n");
    in("secret\r");
    recorder.resized(80, 24);
    out(new String(new byte[] {(byte) 0xFF, 'x'}, StandardCharsets.ISO_8859_1)); // not UTF-8 either way
    recorder.output(new byte[] {(byte) 0xFF}, 0, 1);
    recorder.closed(null, "KILL");
    assertEquals(4, published.size(), published.toString());
    for (SessionEvent e : published) {
      EventSchemas.assertValid(EventJson.encode(e));
      assertEquals(e, EventJson.decode(EventJson.encode(e)));
    }
    assertTrue(String.join("", frames().stream().map(FrameRecorderTest::data).toList()).contains("\uFFFD"));
  }

  @Test
  void aChannelsRecordingStopsAtItsBudgetWithAMarkerWhileResizesGoOn() {
    FrameRecorder small = new FrameRecorder(published::add, SESSION, "s-7/2", nanos::get,
        new FrameRecorder.Limits(16, 50, 41));
    byte[] thirty = utf8("x".repeat(30));
    small.output(thirty, 0, thirty.length);
    byte[] twenty = utf8("é".repeat(10)); // a character cut at the budget comes out as U+FFFD, not half
    small.input(twenty, 0, twenty.length);
    small.output(thirty, 0, thirty.length); // past the budget: not recorded
    small.resized(100, 30);
    small.closed(0, null);
    List<String> streams = frames().stream().map(FrameRecorderTest::stream).toList();
    assertEquals(List.of("o", "o", "i", "m", "r"), streams, published.toString());
    assertEquals("x".repeat(30), data(frames().get(0)) + data(frames().get(1)));
    assertEquals("ééééé\uFFFD", data(frames().get(2)), "11 bytes of input fit the budget of 41: the last is half");
    assertTrue(data(frames().get(3)).contains("reached its budget of 41 bytes"), data(frames().get(3)));
    for (SessionEvent e : published) {
      EventSchemas.assertValid(EventJson.encode(e));
    }
  }

  @Test
  void aControlByteCostsWhatJsonMakesOfIt() {
    FrameRecorder small = new FrameRecorder(published::add, SESSION, "s-7/3", nanos::get,
        new FrameRecorder.Limits(64, 50, 20));
    byte[] mixed = {'a', 0, 'b', '\n', 0, 0, 'c'}; // 1 + 6 + 1 + 1 + 6 = 15, the next NUL would make 21
    small.output(mixed, 0, mixed.length);
    small.closed(0, null);
    assertEquals("a\u0000b\n\u0000", data(frames().get(0)));
    assertEquals("m", stream(frames().get(1)));
  }

  @Test
  void closeFlushesAnUnfinishedCharacterAsReplacementAndEndsTheRecording() {
    byte[] euro = utf8("€");
    out("x");
    recorder.output(euro, 0, 2);
    in("q");
    advanceMs(1234);
    recorder.closed(3, null);
    recorder.closed(0, null);
    out("late");
    in("late");
    recorder.resized(1, 1);
    recorder.flushIfDue();
    assertEquals(List.of("x", "q", "\uFFFD"), frames().stream().map(FrameRecorderTest::data).toList(),
        "the held half of € is published at close, after the input that came later: its bytes came first, but"
            + " no character existed until the stream ended");
    assertEquals(frames(), published, "the completion is the SSH termination's to publish");
    assertTrue(recorder.isClosed());
  }

  @Test
  void aChannelWithATerminalStartsWithItsSize() {
    FrameRecorder withPty = FrameRecorder.open(published::add, SESSION, "s-7/3", true, 132, 43);
    FrameRecorder without = FrameRecorder.open(published::add, SESSION, "s-7/4", false, 0, 0);
    withPty.closed(0, null);
    without.closed(0, null);
    assertEquals(List.of("132x43"), frames().stream().map(FrameRecorderTest::data).toList());
    assertEquals(0L, offset(frames().get(0)));
    assertEquals("s-7/3", frames().get(0).details().get("statementId"));
  }

  @Test
  void oddCallsAreIgnoredRatherThanThrown() {
    recorder.output(null, 0, 3);
    recorder.output(new byte[2], 1, 5);
    recorder.output(new byte[2], -1, 1);
    recorder.input(new byte[2], 0, 0);
    recorder.resized(-5, -1);
    recorder.closed(null, null);
    assertEquals(List.of("0x0"), frames().stream().map(FrameRecorderTest::data).toList());
  }

  @Test
  void framesStayWholeAndNumberedWhenTwoThreadsWriteAtOnce() throws Exception {
    FrameRecorder shared = new FrameRecorder(published::add, SESSION, "s-7/2", System::nanoTime,
        FrameRecorder.Limits.DEFAULT);
    byte[] euro = utf8("€€€€€€€€€€");
    byte[] typed = utf8("ü");
    CountDownLatch go = new CountDownLatch(1);
    Thread target = new Thread(() -> {
      await(go);
      for (int i = 0; i < 2000; i++) {
        shared.output(euro, 0, euro.length);
      }
    });
    Thread agent = new Thread(() -> {
      await(go);
      for (int i = 0; i < 2000; i++) {
        shared.input(typed, 0, 1); // half a character at a time
        shared.input(typed, 1, 1);
      }
    });
    target.start();
    agent.start();
    go.countDown();
    target.join();
    agent.join();
    shared.closed(0, null);
    StringBuilder output = new StringBuilder();
    StringBuilder input = new StringBuilder();
    long expectedSeq = 0;
    for (SessionEvent f : frames()) {
      assertEquals(expectedSeq++, f.details().get("seq"));
      (stream(f).equals("o") ? output : input).append(data(f));
    }
    assertEquals("€".repeat(20_000), output.toString());
    assertEquals("ü".repeat(2000), input.toString());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
