package dev.portcullis.cli;

import dev.portcullis.audit.AuditQuery;
import dev.portcullis.audit.AuditStore;
import dev.portcullis.audit.RelativeTime;
import dev.portcullis.audit.SearchTable;
import dev.portcullis.config.AuditConfig;
import dev.portcullis.config.AuditConfigLoader;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis audit …}: read the audit store. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Query the PostgreSQL audit store.",
    subcommands = AuditCommand.Search.class)
final class AuditCommand {
  /** Statement decisions, and approval decisions' outcomes. */
  enum Decision { allow, deny, review, approved, denied, expired, withdrawn }

  enum Format { table, json }

  /** Converts {@code --since}/{@code --until} values; a bad one is a usage error (exit 2). */
  static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return RelativeTime.parse(value, Instant.now());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Search audit events. Every given filter must match; prints the --limit most recent matches,"
          + " oldest first.", "Times: RFC 3339 (2026-12-04T20:00:00Z), a date (2026-12-04), or an age (15m, 2h, 7d)."})
  static final class Search implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Audit config (YAML); its store section is used.")
    Path config;

    @Option(names = "--subject", description = "Identity subject (the token's sub).")
    String subject;

    @Option(names = "--group", description = "One of the identity's groups.")
    String group;

    @Option(names = "--target", description = "Target name.")
    String target;

    @Option(names = "--decision", description = "allow, deny or review (statement decisions); approved, denied,"
        + " expired or withdrawn (approval.decided outcomes).")
    Decision decision;

    @Option(names = "--type", description = "Event type, e.g. statement.decided, session.started,"
        + " approval.requested, approval.decided. SSH terminal frames (io.frame) are shown only with --type io.frame.")
    String type;

    @Option(names = "--session", description = "Session id, or its first characters (as the table shows them).")
    String session;

    @Option(names = "--since", converter = TimeConverter.class, description = "Events at or after this time.")
    Instant since;

    @Option(names = "--until", converter = TimeConverter.class, description = "Events before this time.")
    Instant until;

    @Option(names = "--text", description = "Substring (case-insensitive) of the statement text or fingerprint"
        + " (statement.decided and approval.requested).")
    String text;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--format", defaultValue = "table",
        description = "table, or json (JSON lines: one event per line as published). Default: ${DEFAULT-VALUE}.")
    Format format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (limit < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
      }
      AuditConfig loaded = new AuditConfigLoader().load(config);
      AuditQuery query = new AuditQuery(subject, group, target, decision == null ? null : decision.name(), type,
          session, since, until, text, limit);
      List<SessionEvent> events = withStore(loaded, store -> store.search(query).toCompletionStage()
          .toCompletableFuture().get(60, TimeUnit.SECONDS));
      PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
      if (format == Format.json) {
        for (SessionEvent e : events) {
          out.println(EventJson.encode(e));
        }
      } else if (events.isEmpty()) {
        System.err.println("no matching events");
      } else {
        SearchTable.print(events, out);
      }
      out.flush();
      return 0;
    }
  }

  interface StoreWork<T> {
    T run(AuditStore store) throws Exception;
  }

  /** Runs {@code work} with a store of its own, closed afterwards together with its Vert.x instance. */
  static <T> T withStore(AuditConfig config, StoreWork<T> work) throws Exception {
    Vertx vertx = Vertx.vertx();
    AuditStore store = AuditStore.open(vertx, config.store());
    try {
      return work.run(store);
    } finally {
      // one after the other from this thread: composing vertx.close() onto the pool's close can hang
      store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
