package dev.portcullis.cli;

import dev.portcullis.approval.chat.ApproverBot;
import dev.portcullis.approval.chat.BotConfig;
import dev.portcullis.approval.chat.BotConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the approver chat-bot until SIGTERM/Ctrl-C: approval requests from Kafka to chat, button clicks back. */
@Command(name = "approver-bot", mixinStandardHelpOptions = true,
    description = {"Post approval requests to a Slack(-compatible) channel with Approve/Deny buttons, verify the"
        + " button callbacks and publish approval.decided (its own consumer group).",
        "A request's offset is committed only once it is posted or expired. Stops cleanly on SIGTERM."})
final class ApproverBotCommand implements Callable<Integer> {
  static final String READY = "approver-bot listening";

  @Option(names = "--config", required = true, description = "Bot config (YAML): kafka and chat sections.")
  Path config;

  @Override
  public Integer call() throws Exception {
    BotConfig loaded = new BotConfigLoader().load(config);
    Vertx vertx = Vertx.vertx();
    ApproverBot bot = new ApproverBot(loaded);
    try {
      vertx.deployVerticle(bot).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    Thread hook = new Thread(() -> closeQuietly(vertx), "portcullis-approver-bot-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println(READY + " on http://" + loaded.chat().host() + ":" + bot.port()
        + loaded.chat().actionsPath() + " (Kafka " + loaded.kafka().bootstrapServers() + ", group "
        + loaded.kafka().groupId() + ", channel " + loaded.chat().channel() + ")");
    while (bot.failure() == null) {
      Thread.sleep(1_000); // the work happens on Vert.x and the Kafka threads; this only watches them
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    closeQuietly(vertx);
    throw new IllegalStateException("a Kafka reader failed: " + bot.failure().getMessage(), bot.failure());
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping anyway
    }
  }
}
