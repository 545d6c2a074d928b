package dev.portcullis.ssh.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.policy.Decision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AsciicastTest {
  static final Decision ALLOW = new Decision.Allow("ops", "shell-for-oncall", "shell allowed");

  private static SessionEvent at(SessionEvent e, Instant time) {
    return new SessionEvent(e.id(), e.type(), time, e.session(), e.details());
  }

  private static String cast(Asciicast cast, Asciicast.Channel channel) throws Exception {
    StringBuilder out = new StringBuilder();
    cast.write(channel, out);
    return out.toString();
  }

  @Test
  void aShellChannelBecomesACastWithItsInitialSizeTimesAndTitle() throws Exception {
    var s = FrameRecorderTest.SESSION;
    Instant opened = Instant.parse("2026-12-05T01:00:00.250Z");
    Asciicast cast = new Asciicast();
    cast.accept(SessionEvents.started(s, "127.0.0.1:40000", null, true, List.of("ops")));
    cast.accept(SessionEvents.decidedSsh(s, "s-7/1", "shell", List.of("shell"), ALLOW));
    cast.accept(at(SessionEvents.resize(s, "s-7/1", 0, 100, 30, 0), opened));
    cast.accept(at(SessionEvents.frame(s, "s-7/1", 1, "o", "$ ", 12), opened.plusMillis(12)));
    cast.accept(at(SessionEvents.frame(s, "s-7/1", 2, "i", "ls\r", 1500), opened.plusMillis(1500)));
    cast.accept(at(SessionEvents.frame(s, "s-7/1", 3, "o", "ls\r\na\r\n", 1502), opened.plusMillis(1502)));
    cast.accept(at(SessionEvents.resize(s, "s-7/1", 4, 120, 40, 2000), opened.plusMillis(2000)));
    Asciicast.Channel channel = cast.choose(null);
    String text = cast(cast, channel);
    assertEquals("""
        {"version":2,"width":100,"height":30,"timestamp":%d,"title":"ci-bot → web-1: shell"}
        [0.012, "o", "$ "]
        [1.500, "i", "ls\\r"]
        [1.502, "o", "ls\\r\\na\\r\\n"]
        [2.000, "r", "120x40"]
        """.formatted(opened.getEpochSecond()), text);
    CastFile file = CastFile.parse(text);
    assertEquals("$ ls\r\na\r\n", file.output());
  }

  @Test
  void framesAreOrderedAndDedupedBySeqAndTimeNeverGoesBack() throws Exception {
    var s = FrameRecorderTest.SESSION;
    List<SessionEvent> frames = new ArrayList<>();
    frames.add(SessionEvents.frame(s, "s-7/1", 2, "o", "c", 30));
    frames.add(SessionEvents.frame(s, "s-7/1", 0, "o", "a", 10));
    frames.add(SessionEvents.frame(s, "s-7/1", 1, "o", "b", 40)); // a clock that misbehaved
    frames.add(SessionEvents.frame(s, "s-7/1", 0, "o", "a", 10)); // delivered twice
    frames.add(SessionEvents.frame(s, "s-7/1", 5, "o", "f", 50)); // 3 and 4 were lost
    Asciicast cast = new Asciicast();
    frames.forEach(cast::accept);
    StringBuilder out = new StringBuilder();
    Asciicast.Gaps gaps = cast.write(cast.choose(null), out);
    CastFile file = CastFile.parse(out.toString());
    assertEquals("abcf", file.output());
    assertEquals(List.of(0.01, 0.04, 0.04, 0.05), file.events().stream().map(e -> e.time().doubleValue()).toList());
    assertEquals(new Asciicast.Gaps(2, 3), gaps);
    assertEquals(80, file.header().getInteger("width"), "no terminal: the default size");
    assertEquals(24, file.header().getInteger("height"));
  }

  @Test
  void anExecWithoutATerminalHasItsLineFeedsShownAsTheAgentSawThem() throws Exception {
    var s = FrameRecorderTest.SESSION;
    Asciicast cast = new Asciicast();
    cast.accept(SessionEvents.frame(s, "s-7/1", 0, "o", "one\ntwo\r", 1));
    cast.accept(SessionEvents.frame(s, "s-7/1", 1, "o", "\nthree\r\n\n", 2));
    cast.accept(SessionEvents.frame(s, "s-7/1", 2, "i", "typed\n", 3));
    CastFile file = CastFile.parse(cast(cast, cast.choose(null)));
    assertEquals("one\r\ntwo\r\nthree\r\n\r\n", file.output());
    assertEquals("typed\n", file.input(), "input is kept as sent");
  }

  @Test
  void stderrFramesAreWrittenAsOutputInTheOrderTheyPassed() throws Exception {
    var s = FrameRecorderTest.SESSION;
    Asciicast cast = new Asciicast();
    cast.accept(SessionEvents.frame(s, "s-7/1", 2, "o", "after\n", 30));
    cast.accept(SessionEvents.frame(s, "s-7/1", 0, "o", "before\r", 10));
    cast.accept(SessionEvents.frame(s, "s-7/1", 1, "e", "\nls: x: No such file\n", 20));
    String text = cast(cast, cast.choose(null));
    CastFile file = CastFile.parse(text);
    assertEquals("before\r\nls: x: No such file\r\nafter\r\n", file.output(), "bare LFs of both, as shown");
    assertTrue(file.events().stream().allMatch(e -> e.type().equals("o")), text);
    assertEquals(List.of("[0.010, \"o\", \"before\\r\"]", "[0.020, \"o\", \"\\nls: x: No such file\\r\\n\"]"),
        text.lines().skip(1).limit(2).toList());
  }

  @Test
  void theFirstExecOrShellChannelIsChosenUnlessAStatementIsGiven() {
    var s = FrameRecorderTest.SESSION;
    Asciicast cast = new Asciicast();
    cast.accept(SessionEvents.decidedSsh(s, "s-7/1", "subsystem sftp", List.of("subsystem"), ALLOW));
    cast.accept(SessionEvents.decidedSsh(s, "s-7/2", "uname -a", List.of("exec"), ALLOW));
    cast.accept(SessionEvents.decidedSsh(s, "s-7/10", "shell", List.of("shell"), ALLOW));
    cast.accept(SessionEvents.frame(s, "s-7/10", 0, "o", "$ ", 1));
    cast.accept(SessionEvents.frame(s, "s-7/1", 0, "o", "sftp bytes", 1));
    cast.accept(SessionEvents.frame(s, "s-7/2", 0, "o", "Linux\n", 1));
    assertEquals(List.of("s-7/1", "s-7/2", "s-7/10"),
        cast.channels().stream().map(Asciicast.Channel::statementId).toList(), "in statement order, not text order");
    assertEquals("s-7/2", cast.choose(null).statementId());
    assertEquals("s-7/10", cast.choose("10").statementId());
    assertEquals("s-7/1", cast.choose("s-7/1").statementId());
    assertNull(cast.choose("3"));
    assertEquals("2 (exec: uname -a)", cast.choose(null).describe());
  }
}
