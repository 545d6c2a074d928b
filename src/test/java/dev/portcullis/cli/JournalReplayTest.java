package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.SampleSessions;
import dev.portcullis.events.EventSink;
import dev.portcullis.events.JournalSink;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.ssh.recording.CastFile;
import dev.portcullis.ssh.recording.FrameRecorder;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portcullis replay --source journal}: sessions written by the real journal sink (as {@code dev} writes
 * them) replayed as text, JSON and asciicast without Kafka or an audit store.
 */
class JournalReplayTest {
  @TempDir static Path dir;
  static Path journal;
  static Vertx vertx;
  static EventSink sink;
  static SessionInfo sql;
  static SessionInfo ssh;

  @BeforeAll
  static void writeJournal() throws Exception {
    vertx = Vertx.vertx();
    journal = dir.resolve("journal");
    sink = await(JournalSink.open(vertx, journal));
    sql = SampleSessions.session("ci-bot", List.of("ai-agents"), "orders");
    await(sink.write(SampleSessions.complete(sql)));

    ssh = new SessionInfo(UUID.randomUUID().toString(), "dev", new Identity("ci-bot", List.of("ai-agents"),
        "http://127.0.0.1:18080", Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)),
        "dev-box", "ssh");
    List<SessionEvent> events = new ArrayList<>();
    events.add(SessionEvents.started(ssh, "127.0.0.1:40022", null, true, List.of("agents-on-dev-box")));
    String statement = ssh.sessionId() + "/1";
    events.add(SessionEvents.decidedSsh(ssh, statement, "uname -a", List.of("exec"),
        new Decision.Allow("agents-on-dev-box", "look-around", "allowed")));
    FrameRecorder recorder = FrameRecorder.open(events::add, ssh, statement);
    byte[] out = "Linux dev 6.1\n".getBytes(StandardCharsets.UTF_8);
    recorder.output(out, 0, out.length);
    recorder.closed(0, null);
    events.add(SessionEvents.exited(ssh, statement, 12, 0, null));
    await(sink.write(events)); // not ended yet: the follow test ends it
  }

  @AfterAll
  static void stop() throws Exception {
    await(sink.close());
    await(vertx.close());
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static AsciicastReplayTest.Run replay(String... args) {
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of(args));
    all.addAll(List.of("--source", "journal", "--journal", journal.toString()));
    return AsciicastReplayTest.run(all.toArray(String[]::new));
  }

  @Test
  void theLatestRecordedSshChannelReplaysAsACast() {
    AsciicastReplayTest.Run cast = replay("last", "--format", "asciicast");
    assertEquals(0, cast.exit(), cast.err());
    CastFile file = CastFile.parse(cast.out());
    assertEquals("ci-bot → dev-box: uname -a", file.header().getString("title"));
    assertEquals("Linux dev 6.1\r\n", file.output(), "an exec's bare LF as the agent's terminal showed it");
    // the same by id prefix
    assertEquals(cast.out(), replay(ssh.sessionId().substring(0, 8), "--format", "asciicast").out());
  }

  @Test
  void textAndJsonOfASessionById() {
    AsciicastReplayTest.Run text = replay(sql.sessionId());
    assertEquals(0, text.exit(), text.err());
    assertTrue(text.out().startsWith("session " + sql.sessionId()), text.out());
    assertTrue(text.out().contains("session.ended"), text.out());
    AsciicastReplayTest.Run json = replay(sql.sessionId(), "--format", "json");
    assertEquals(SampleSessions.complete(sql).size(), json.out().lines().count(), json.out());
    // the SSH session's text counts its frames instead of printing them
    AsciicastReplayTest.Run sshText = replay("last");
    assertTrue(sshText.out().startsWith("session " + ssh.sessionId()), sshText.out());
    assertTrue(sshText.out().contains("io.frame events"), sshText.out());
  }

  @Test
  void unknownSessionsAndMissingConfigAreClear() {
    AsciicastReplayTest.Run unknown = replay("00000000-no-such-session");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("unknown session '00000000-no-such-session' (no events in the journal"),
        unknown.err());
    AsciicastReplayTest.Run empty = AsciicastReplayTest.run("replay", "last", "--source", "journal", "--journal",
        dir.resolve("nothing-here").toString());
    assertEquals(1, empty.exit());
    assertTrue(empty.err().contains("no journal at"), empty.err());
    AsciicastReplayTest.Run noConfig = AsciicastReplayTest.run("replay", ssh.sessionId());
    assertEquals(2, noConfig.exit());
    assertTrue(noConfig.err().contains("--source journal --journal DIR"), noConfig.err());
  }

  @Test
  void followWaitsForTheSessionToEnd() throws Exception {
    CompletableFuture<AsciicastReplayTest.Run> following = CompletableFuture.supplyAsync(
        () -> replay(ssh.sessionId(), "--follow"));
    await(sink.write(List.of(SessionEvents.ended(ssh, "client terminated", 500, 1))));
    AsciicastReplayTest.Run followed = following.get(30, TimeUnit.SECONDS);
    assertEquals(0, followed.exit(), followed.err());
    assertTrue(followed.out().contains("session.ended"), followed.out());
  }
}
