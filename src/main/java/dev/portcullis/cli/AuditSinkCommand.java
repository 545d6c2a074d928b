package dev.portcullis.cli;

import dev.portcullis.audit.AuditConsumer;
import dev.portcullis.audit.AuditStore;
import dev.portcullis.config.AuditConfig;
import dev.portcullis.config.AuditConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the audit consumer until SIGTERM/Ctrl-C: Kafka session events into the PostgreSQL audit store. */
@Command(name = "audit-sink", mixinStandardHelpOptions = true,
    description = {"Consume session events from Kafka into the PostgreSQL audit store (its own consumer group).",
        "Offsets are committed only after the events are committed in PostgreSQL; inserts are idempotent on the"
            + " event id, so records delivered again are not stored twice. Stops cleanly on SIGTERM."})
final class AuditSinkCommand implements Callable<Integer> {
  static final String READY = "audit-sink consuming";

  @Option(names = "--config", required = true, description = "Audit config (YAML): kafka and store sections.")
  Path config;

  @Override
  public Integer call() throws Exception {
    AuditConfig loaded = new AuditConfigLoader().load(config);
    Vertx vertx = Vertx.vertx();
    AuditStore store = AuditStore.open(vertx, loaded.store());
    AuditConsumer consumer = new AuditConsumer(loaded.kafka(), store);
    Thread hook = new Thread(() -> {
      try {
        consumer.stop(Duration.ofSeconds(60));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(store, vertx);
    }, "portcullis-audit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    consumer.start();
    System.out.println(READY + " " + String.join(", ", consumer.topics()) + " from "
        + loaded.kafka().bootstrapServers() + " as group " + loaded.kafka().groupId() + " into "
        + loaded.store().describe());
    while (!consumer.awaitStopped(Duration.ofHours(1))) {
      // runs until stopped
    }
    if (consumer.failure() != null) {
      Runtime.getRuntime().removeShutdownHook(hook);
      closeQuietly(store, vertx);
      throw new IllegalStateException("audit consumer failed: " + consumer.failure().getMessage(),
          consumer.failure());
    }
    return 0;
  }

  /** One after the other from this thread: composing vertx.close() onto the pool's close can hang. */
  private static void closeQuietly(AuditStore store, Vertx vertx) {
    try {
      store.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping anyway; nothing left to protect
    }
  }
}
