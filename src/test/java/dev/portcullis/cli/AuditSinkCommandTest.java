package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.audit.AuditFixture;
import dev.portcullis.audit.SampleSessions;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.PortcullisProcess;
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
    String log;
    try (PortcullisProcess sink = PortcullisProcess.start("audit-sink", java.util.Map.of(), "audit-sink", "--config",
        config.toString())) {
      sink.awaitOutput(AuditSinkCommand.READY);
      assertTrue(sink.output().contains(AuditSinkCommand.READY + " " + f.prefix + "sessions, "), sink.output());
      assertTrue(sink.output().contains("as group g-sink-process into postgresql://portcullis_audit@"),
          sink.output());
      List<SessionEvent> events = SampleSessions.complete(SampleSessions.session("bot", List.of("g"), "orders"));
      f.publish(events);
      Await.until(Duration.ofSeconds(60), () -> f.count("SELECT count(*) FROM audit_events") == events.size(),
          sink::output);
      Await.until(Duration.ofSeconds(60), () -> committed(f) == events.size(), sink::output);
      sink.close(); // SIGTERM, and what it logs while stopping
      log = sink.output();
    }
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
