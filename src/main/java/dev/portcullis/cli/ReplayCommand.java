package dev.portcullis.cli;

import dev.portcullis.audit.KafkaReplay;
import dev.portcullis.audit.ReplaySource;
import dev.portcullis.audit.ReplayText;
import dev.portcullis.audit.StoreReplay;
import dev.portcullis.config.AuditConfigLoader;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis replay SESSION_ID}: a session as it happened, from the audit store or from Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a session as it happened: start and end with identity, every statement with its decision"
        + " and rule, approval requests (with Bind values) and their decisions, row counts, errors, durations, with"
        + " times and offsets from the session's start.",
        "Exit 1 when the session is unknown."})
final class ReplayCommand implements Callable<Integer> {
  enum Source { store, kafka }

  enum Format { text, json }

  @Parameters(index = "0", paramLabel = "SESSION_ID",
      description = "The session id; with --source store, a unique prefix such as the 8 characters search shows.")
  String sessionId;

  @Option(names = "--config", required = true, description = "Audit config (YAML).")
  Path config;

  @Option(names = "--source", defaultValue = "store",
      description = {"store (default): the audit store.", "kafka: the sessions and approvals topics, read from the"
          + " beginning (no consumer group; slow on topics that retain a lot)."})
  Source source;

  @Option(names = "--follow", description = "Keep printing a live session's events until its session.ended (or Ctrl-C).")
  boolean follow;

  @Option(names = "--format", defaultValue = "text",
      description = "text (default), or json: JSON lines, the events as published, in order.")
  Format format;

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ReplayText text = new ReplayText();
    Consumer<SessionEvent> print = format == Format.json
        ? e -> out.println(EventJson.encode(e))
        : e -> out.print(text.render(e));
    long emitted;
    if (source == Source.kafka) {
      // Kafka needs no audit store, so neither its password: read only the kafka section.
      emitted = new KafkaReplay(new AuditConfigLoader().loadKafka(config), System.err)
          .replay(sessionId, follow, print, () -> false);
    } else {
      emitted = AuditCommand.withStore(new AuditConfigLoader().load(config), store -> new StoreReplay(store, Duration.ofMillis(500))
          .replay(sessionId, follow, print, () -> false));
    }
    out.flush();
    if (emitted == 0) {
      System.err.println("portcullis replay: unknown session '" + sessionId + "' (no events in the "
          + (source == Source.kafka ? "Kafka topics" : "audit store") + ")");
      return 1;
    }
    return 0;
  }
}
