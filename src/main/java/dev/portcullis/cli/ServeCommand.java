package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.gateway.Gateway;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the gateway from a YAML config (design-notes §2) until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway from a YAML config file.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "Gateway config (YAML).")
  Path config;

  @Override
  public Integer call() throws Exception {
    GatewayConfig loaded = new ConfigLoader().load(config);
    Vertx vertx = Vertx.vertx();
    Gateway gateway;
    try {
      gateway = DevCommand.await(Gateway.start(vertx, loaded));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // One after the other from this thread: vertx.close() composed onto a future completed on one of its own
      // event loops can hang, its completion posted to a loop that is already gone.
      gateway.stop().toCompletionStage().toCompletableFuture().join();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      stopped.countDown();
    }, "portcullis-shutdown"));
    System.out.println("Portcullis listening on " + loaded.postgres().host() + ":" + loaded.postgres().port()
        + " (targets: " + String.join(", ", loaded.targets().keySet()) + ")");
    stopped.await();
    return 0;
  }
}
