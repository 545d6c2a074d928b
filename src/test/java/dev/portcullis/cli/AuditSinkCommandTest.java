package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.audit.AuditFixture;
import dev.portcullis.audit.SampleSessions;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.testing.LocalKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis audit-sink} as operators run it: its own process, stopped with SIGTERM. */
class AuditSinkCommandTest {
  @TempDir Path dir;

  @Test
  void storesEventsCommitsOffsetsAndStopsCleanlyOnSigterm() throws Exception {
    AuditFixture f = AuditFixture.create("sink", 2);
    Path config = f.writeConfig(dir, "g-sink-process");
    Process sink = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "audit-sink", "--config",
        config.toString()).redirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(sink.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          seen.append(line).append('\n');
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      Await.until(Duration.ofSeconds(60), () -> seen.indexOf(AuditSinkCommand.READY) >= 0 || !sink.isAlive(),
          seen::toString);
      assertTrue(seen.toString().contains(AuditSinkCommand.READY + " " + f.prefix + "sessions, "), seen.toString());
      assertTrue(seen.toString().contains("as group g-sink-process into postgresql://portcullis_audit@"),
          seen.toString());
      List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
      f.publish(events);
      Await.until(Duration.ofSeconds(60), () -> f.count("SELECT count(*) FROM audit_events") == events.size(),
          seen::toString);
      Await.until(Duration.ofSeconds(60), () -> committed(f) == events.size(), seen::toString);
    } finally {
      // SIGTERM through the handle: Process.destroy() would also close our end of its stdout, losing what it
      // logs while it stops
      sink.toHandle().destroy();
      assertTrue(sink.waitFor(60, TimeUnit.SECONDS), "audit-sink did not stop on SIGTERM");
      reader.join(10_000);
    }
    String log = seen.toString();
    assertTrue(log.contains("audit consumer stopped: consumed=" + SampleSessions.complete(
        SampleSessions.session("x", List.of(), "t")).size()), log);
    assertFalse(log.contains(AuditFixture.password().reveal()), "the store password must never be logged");
    assertEquals(f.count("SELECT count(DISTINCT id) FROM audit_events"), f.count("SELECT count(*) FROM audit_events"));
  }

  /** The sum of the group's committed offsets: every record once all are committed. */
  private static long committed(AuditFixture f) throws Exception {
    try (Admin admin = LocalKafka.get().admin()) {
      return admin.listConsumerGroupOffsets("g-sink-process").partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }
}
