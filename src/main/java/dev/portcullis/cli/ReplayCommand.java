package dev.portcullis.cli;

import dev.portcullis.audit.JournalReplay;
import dev.portcullis.audit.KafkaReplay;
import dev.portcullis.audit.ReplayText;
import dev.portcullis.audit.StoreReplay;
import dev.portcullis.config.AuditConfigLoader;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.ssh.recording.Asciicast;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis replay SESSION_ID}: a session as it happened, from the audit store, from Kafka, or from the
 * journal (what {@code dev} writes, so that a dev user replays without Kafka or an audit store).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print a session as it happened: start and end with identity, every statement with its decision"
        + " and rule, approval requests (with Bind values) and their decisions, row counts, errors, durations, with"
        + " times and offsets from the session's start.",
        "With --format asciicast, write an SSH channel's recorded terminal (its io.frame events) as an asciicast v2"
        + " file that asciinema plays: portcullis replay ID --format asciicast > session.cast; asciinema play"
        + " session.cast.",
        "Exit 1 when the session is unknown, or (asciicast) has no recorded terminal."})
final class ReplayCommand implements Callable<Integer> {
  enum Source { store, kafka, journal }

  enum Format { text, json, asciicast }

  @Parameters(index = "0", paramLabel = "SESSION_ID",
      description = "The session id; with --source store or journal, a unique prefix such as the 8 characters search"
          + " shows; with --source journal, 'last' for the latest session (with --format asciicast: the latest"
          + " with a recorded terminal).")
  String sessionId;

  @Option(names = "--config", description = "Audit config (YAML); for --source store and kafka.")
  Path config;

  @Option(names = "--source", defaultValue = "store",
      description = {"store (default): the audit store.", "kafka: the sessions, recordings and approvals topics, read"
          + " from the beginning (no consumer group; slow on topics that retain a lot).",
          "journal: the gateway's journal directory (--journal), as `portcullis dev` writes it; no Kafka, no store."})
  Source source;

  @Option(names = "--journal", paramLabel = "DIR", defaultValue = "data/dev/journal",
      description = "With --source journal: the journal directory, events.journal.dir (default: ${DEFAULT-VALUE}).")
  Path journal;

  @Option(names = "--follow", description = "Keep printing a live session's events until its session.ended (or Ctrl-C)."
      + " Not with --format asciicast.")
  boolean follow;

  @Option(names = "--format", defaultValue = "text",
      description = {"text (default), or json: JSON lines, the events as published, in order,",
          "or asciicast: one SSH channel's terminal as asciicast v2 (see --statement)."})
  Format format;

  @Option(names = "--statement", paramLabel = "N",
      description = "With --format asciicast: the channel of statement N (the number replay shows, or the full"
          + " statement id). Default: the session's first exec or shell channel.")
  String statement;

  @Override
  public Integer call() throws Exception {
    if (format == Format.asciicast && follow) {
      System.err.println("portcullis replay: --follow does not apply to --format asciicast (a cast is written once"
          + " the channel's frames are all read)");
      return 2;
    }
    if (statement != null && format != Format.asciicast) {
      System.err.println("portcullis replay: --statement applies to --format asciicast only");
      return 2;
    }
    if (source != Source.journal && config == null) {
      System.err.println("portcullis replay: --config (the audit config) is required with --source " + source
          + "; without Kafka or an audit store, read the journal: --source journal --journal DIR");
      return 2;
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ReplayText text = new ReplayText();
    Asciicast cast = new Asciicast();
    Consumer<SessionEvent> print = switch (format) {
      case json -> e -> out.println(EventJson.encode(e));
      case text -> e -> out.print(text.render(e));
      case asciicast -> cast::accept;
    };
    long emitted;
    if (source == Source.journal) {
      JournalReplay replay = new JournalReplay(journal.toAbsolutePath().normalize(), Duration.ofMillis(500));
      String id = replay.resolve(sessionId, format == Format.asciicast);
      if (id == null) {
        System.err.println("portcullis replay: no " + (format == Format.asciicast ? "recorded SSH " : "")
            + "session in the journal " + journal);
        return 1;
      }
      sessionId = id;
      emitted = replay.replay(id, follow, print, () -> false);
    } else if (source == Source.kafka) {
      // Kafka needs no audit store, so neither its password: read only the kafka section.
      emitted = new KafkaReplay(new AuditConfigLoader().loadKafka(config), System.err)
          .replay(sessionId, follow, print, () -> false);
    } else {
      emitted = AuditCommand.withStore(new AuditConfigLoader().load(config), store -> new StoreReplay(store, Duration.ofMillis(500))
          .replay(sessionId, follow, print, () -> false));
    }
    if (emitted == 0) {
      out.flush();
      System.err.println("portcullis replay: unknown session '" + sessionId + "' (no events in the "
          + (source == Source.kafka ? "Kafka topics" : source == Source.journal ? "journal " + journal
              : "audit store") + ")");
      return 1;
    }
    if (format == Format.text && text.framesNotShown() > 0) {
      out.println("(" + text.framesNotShown() + " io.frame events of recorded terminal I/O not shown;"
          + " --format asciicast writes a channel's as a cast)");
    }
    int exit = format == Format.asciicast ? writeCast(cast, out) : 0;
    out.flush();
    return exit;
  }

  private int writeCast(Asciicast cast, PrintStream out) throws java.io.IOException {
    List<Asciicast.Channel> channels = cast.channels();
    if (channels.isEmpty()) {
      System.err.println("portcullis replay: session '" + sessionId + "' has no recorded terminal (no io.frame"
          + " events): only SSH exec and shell channels are recorded");
      return 1;
    }
    Asciicast.Channel chosen = cast.choose(statement);
    String all = String.join(", ", channels.stream().map(Asciicast.Channel::describe).toList());
    if (chosen == null) {
      System.err.println("portcullis replay: session '" + sessionId + "' has no recorded channel for statement '"
          + statement + "'; recorded: " + all);
      return 1;
    }
    if (channels.size() > 1) {
      System.err.println("portcullis replay: writing statement " + chosen.describe() + "; the session recorded "
          + channels.size() + " channels: " + all + " (choose with --statement N)");
    }
    Asciicast.Gaps gaps = cast.write(chosen, out);
    if (gaps.count() > 0) {
      System.err.println("portcullis replay: warning: " + gaps.count() + " frame(s) of statement "
          + chosen.number() + " are missing (not delivered), the first is seq " + gaps.first()
          + ": the cast has gaps");
    }
    return 0;
  }
}
