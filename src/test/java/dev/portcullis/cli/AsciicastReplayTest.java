package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.audit.AuditConsumer;
import dev.portcullis.audit.AuditFixture;
import dev.portcullis.audit.AuditStore;
import dev.portcullis.audit.SampleSessions;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.BusEventPublisher;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventPublisherVerticle;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Decision;
import dev.portcullis.ssh.ChannelRecorder;
import dev.portcullis.ssh.recording.CastFile;
import dev.portcullis.ssh.recording.FrameFlushTimer;
import dev.portcullis.ssh.recording.FrameRecorder;
import dev.portcullis.testing.LocalKafka;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSH session recorded the way the gateway records it — {@link FrameRecorder}s with their Vert.x flush timer,
 * publishing through the event bus to the real publisher verticle and its Kafka sink — then written by
 * {@code portcullis replay --format asciicast} from Kafka and from the audit store. Every cast line is checked
 * against the asciicast v2 format, and where asciinema is installed, {@code asciinema cat} must print exactly the
 * bytes the target sent.
 */
class AsciicastReplayTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  static AuditFixture fixture;
  static Path config;
  static Vertx vertx;
  static AuditStore store;
  static AuditConsumer consumer;
  static SessionInfo ssh;
  static SessionInfo sql;
  /** What the target sent on the shell channel, and what the agent typed. */
  static ByteArrayOutputStream shellOutput = new ByteArrayOutputStream();
  static ByteArrayOutputStream typed = new ByteArrayOutputStream();
  static final String EXEC_OUTPUT = "Linux web-1 6.1.0\nuptime: 3 days\n";

  @BeforeAll
  static void recordASession() throws Exception {
    fixture = AuditFixture.create("cast", 1);
    config = fixture.writeConfig(dir, "g-cast");
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    EventsConfig events = new EventsConfig(EventsConfig.Sink.KAFKA, null, new EventsConfig.Kafka(
        LocalKafka.get().bootstrapServers(), fixture.prefix, Files.createDirectories(dir.resolve("spool")), 64 << 20,
        EventsConfig.OnUnavailable.REFUSE_SESSIONS, Duration.ofMinutes(5), Map.of("linger.ms", "2")));
    String deployment = vertx.deployVerticle(EventPublisherVerticle.forConfig(events,
        EventPublisherVerticle.deliveryHealth(events))).toCompletionStage().toCompletableFuture().get(60,
        TimeUnit.SECONDS);
    assertTrue(deployment != null);

    AtomicLong published = new AtomicLong();
    EventPublisher bus = BusEventPublisher.unbatched(vertx);
    EventPublisher counting = e -> {
      published.incrementAndGet();
      bus.publish(e);
    };
    ssh = new SessionInfo(UUID.randomUUID().toString(), "gw-test", new Identity("ops-bot", List.of("oncall"),
        "https://idp.test", Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)), "web-1", "ssh");
    Decision allow = new Decision.Allow("ops", "oncall-shell", "on-call may open a shell");
    counting.publish(SessionEvents.started(ssh, "127.0.0.1:40022", null, true, List.of("ops")));

    // statement 1: an exec without a terminal
    counting.publish(SessionEvents.decidedSsh(ssh, ssh.sessionId() + "/1", "uname -a; uptime", List.of("exec"), allow));
    ChannelRecorder exec = FrameFlushTimer.start(vertx, FrameRecorder.open(counting, ssh, ssh.sessionId() + "/1"));
    byte[] execBytes = EXEC_OUTPUT.getBytes(StandardCharsets.UTF_8);
    exec.output(execBytes, 0, execBytes.length);
    exec.closed(0, null);
    counting.publish(SessionEvents.exited(ssh, ssh.sessionId() + "/1", 40, 0, null)); // as the termination does

    // statement 2: a shell with a terminal, the agent typing, a resize, multi-byte text cut anywhere, a big output
    counting.publish(SessionEvents.decidedSsh(ssh, ssh.sessionId() + "/2", "shell", List.of("shell"), allow));
    ChannelRecorder shell = FrameFlushTimer.start(vertx,
        FrameRecorder.open(counting, ssh, ssh.sessionId() + "/2", true, 100, 30));
    output(shell, "ops@web-1:~$ ", 5);
    for (char c : "echo héllo 😀\r".toCharArray()) {
      input(shell, String.valueOf(c));
      output(shell, c == '\r' ? "\r\n" : String.valueOf(c), 1); // the terminal's echo; a lone surrogate waits
    }
    output(shell, "héllo 😀\r\nops@web-1:~$ ", 3);
    shell.resized(120, 40);
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 4000; i++) {
      big.append(i).append(" — ünïcødé line € ").append("x".repeat(i % 40)).append("\r\n");
    }
    output(shell, big.toString(), 4093); // a prime: cuts land inside characters
    output(shell, "\u001b[1;32mdone\u001b[0m\r\nops@web-1:~$ ", 7);
    input(shell, "exit\r");
    output(shell, "exit\r\nlogout\r\n", 64);
    shell.closed(null, "HUP");
    counting.publish(SessionEvents.exited(ssh, ssh.sessionId() + "/2", 900, null, "HUP"));
    counting.publish(SessionEvents.ended(ssh, "client disconnected", 900, 2));

    sql = SampleSessions.session("ci-bot", List.of("ai-agents"), "orders");
    var sqlEvents = SampleSessions.complete(sql);
    fixture.publish(sqlEvents);

    store = AuditStore.open(vertx, fixture.store());
    consumer = new AuditConsumer(fixture.kafka("g-cast"), store);
    consumer.start();
    long expected = published.get() + sqlEvents.size();
    // once the consumer stored every event, every event is in Kafka too
    Await.until(WAIT, () -> fixture.count("SELECT count(*) FROM audit_events") == expected,
        () -> expected + " rows stored");
  }

  private static void output(ChannelRecorder r, String text, int chunk) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    shellOutput.writeBytes(b);
    for (int off = 0; off < b.length; off += chunk) {
      r.output(b, off, Math.min(chunk, b.length - off));
    }
  }

  private static void input(ChannelRecorder r, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    typed.writeBytes(b);
    r.input(b, 0, b.length);
  }

  @AfterAll
  static void stop() throws Exception {
    consumer.stop(WAIT);
    store.close().toCompletionStage().toCompletableFuture().get();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  record Run(int exit, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static Run cast(String source, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("replay", ssh.sessionId(), "--config", config.toString(),
        "--source", source, "--format", "asciicast"));
    args.addAll(List.of(more));
    return run(args.toArray(new String[0]));
  }

  @Test
  void theShellChannelReplaysFromKafkaAndTheStoreAsAValidCastOfExactlyWhatPassed() {
    Run kafka = cast("kafka", "--statement", "2");
    assertEquals(0, kafka.exit(), kafka.err());
    Run stored = cast("store", "--statement", ssh.sessionId() + "/2");
    assertEquals(0, stored.exit(), stored.err());
    assertEquals(kafka.out(), stored.out(), "both sources give the same cast");

    CastFile cast = CastFile.parse(kafka.out());
    assertEquals(100, cast.header().getInteger("width"), "the size the terminal opened with");
    assertEquals(30, cast.header().getInteger("height"));
    assertEquals("ops-bot → web-1: shell", cast.header().getString("title"));
    long opened = cast.header().getLong("timestamp");
    assertTrue(Math.abs(opened - Instant.now().getEpochSecond()) < 600, "timestamp is the channel's start: " + opened);
    assertEquals(shellOutput.toString(StandardCharsets.UTF_8), cast.output(), "every output byte, in order");
    assertEquals(typed.toString(StandardCharsets.UTF_8), cast.input(), "every typed byte, in order");
    assertEquals(List.of("120x40"), cast.events().stream().filter(e -> e.type().equals("r"))
        .map(CastFile.Event::data).toList());
    for (CastFile.Event e : cast.events()) {
      assertTrue(!e.data().contains("\uFFFD"), "no character was split: " + e);
      assertTrue(e.data().getBytes(StandardCharsets.UTF_8).length <= 16 * 1024 + 3,
          "frames are bounded (by 16 KiB and the rest of a character the previous frame began)");
    }
  }

  @Test
  void byDefaultTheFirstChannelTheExecWithItsLineFeedsAsTheAgentSawThem() {
    Run r = cast("kafka");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains("writing statement 1 (exec: uname -a; uptime); the session recorded 2 channels:"
        + " 1 (exec: uname -a; uptime), 2 (shell: shell) (choose with --statement N)"), r.err());
    assertEquals(r.out(), cast("store", "--statement", "1").out());
    CastFile cast = CastFile.parse(r.out());
    assertEquals(80, cast.header().getInteger("width"), "no terminal: the default size");
    assertEquals(EXEC_OUTPUT.replace("\n", "\r\n"), cast.output());
    assertEquals("ops-bot → web-1: uname -a; uptime", cast.header().getString("title"));
  }

  @Test
  void asciinemaPrintsExactlyTheBytesTheTargetSent() throws Exception {
    Assumptions.assumeTrue(onPath("asciinema"), "asciinema is not installed (Debian package asciinema):"
        + " skipping the check that asciinema plays the cast");
    Assumptions.assumeTrue(onPath("script"), "script (util-linux) is not installed: asciinema cat needs a"
        + " terminal, which script provides");
    Run r = cast("store", "--statement", "2");
    assertEquals(0, r.exit(), r.err());
    Path file = dir.resolve("shell.cast");
    Files.writeString(file, r.out(), StandardCharsets.UTF_8);
    // asciinema cat opens /dev/tty (to switch it to raw mode), so it runs under script's pseudo-terminal; raw mode
    // turns off the terminal's own newline translation, so what comes out is exactly the recorded output.
    Process p = new ProcessBuilder("script", "-q", "-e", "-c", "asciinema cat '" + file + "'", "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    byte[] printed = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), new String(printed, StandardCharsets.UTF_8));
    assertArrayEquals(shellOutput.toByteArray(), printed);
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aSessionWithoutFramesOrAnUnknownStatementExitsOne() {
    Run sqlCast = run("replay", sql.sessionId(), "--config", config.toString(), "--format", "asciicast");
    assertEquals(1, sqlCast.exit());
    assertEquals("", sqlCast.out());
    assertTrue(sqlCast.err().contains("has no recorded terminal (no io.frame events)"), sqlCast.err());
    Run missing = cast("store", "--statement", "7");
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("no recorded channel for statement '7'; recorded: 1 (exec: uname -a; uptime),"
        + " 2 (shell: shell)"), missing.err());
    assertEquals(2, cast("store", "--follow").exit());
    assertEquals(2, run("replay", sql.sessionId(), "--config", config.toString(), "--statement", "1").exit());
  }

  @Test
  void searchLeavesTerminalFramesOutUnlessAskedForByType() {
    Run all = run("audit", "search", "--config", config.toString(), "--session", ssh.sessionId(), "--format", "json");
    assertEquals(0, all.exit(), all.err());
    assertEquals(6, all.out().lines().count(), "started, 2 × decided and completed, ended: " + all.out());
    assertTrue(!all.out().contains("\"io.frame\""), all.out());
    Run frames = run("audit", "search", "--config", config.toString(), "--session", ssh.sessionId(), "--type",
        "io.frame", "--limit", "1000", "--format", "json");
    assertTrue(frames.out().lines().count() > 20, frames.out());
    assertTrue(frames.out().lines().allMatch(l -> l.contains("\"type\":\"io.frame\"")));
  }

  @Test
  void theTextReplayShowsExitStatusesAndCountsTheFramesItLeavesOut() {
    Run text = run("replay", ssh.sessionId(), "--config", config.toString());
    assertEquals(0, text.exit(), text.err());
    assertTrue(text.out().contains("completed 1") && text.out().contains("exit 0 · 40 ms"), text.out());
    assertTrue(text.out().contains("completed 2") && text.out().contains("signal HUP · 900 ms"), text.out());
    assertTrue(text.out().contains("    uname -a; uptime\n"), text.out());
    assertTrue(text.out().matches("(?s).*\\n\\([0-9]+ io\\.frame events of recorded terminal I/O not shown;"
        + " --format asciicast writes a channel's as a cast\\)\\n"), text.out());
    assertTrue(!text.out().contains("héllo"), "terminal text stays out of the text replay");
  }
}
