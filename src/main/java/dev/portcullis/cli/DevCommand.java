package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.identity.dev.DevIssuer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A complete single-machine gateway on embedded defaults (design-notes §1): its own PostgreSQL cluster, the dev
 * OIDC issuer, the journal event sink and the sample policies. Everything listens on 127.0.0.1 only.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run a complete single-machine gateway: own PostgreSQL, dev OIDC issuer, journal, sample policies.")
final class DevCommand implements Callable<Integer> {
  static final int DEFAULT_ISSUER_PORT = 18080;
  static final int DEFAULT_ADMIN_PORT = 18081;
  static final String AUDIENCE = "portcullis";
  static final String READY = "Portcullis dev gateway is ready.";
  private static final List<String> SAMPLE_POLICIES = List.of("agents.yaml", "owners.yaml", "reporting.yaml");

  @Option(names = "--port", defaultValue = "15432", description = "Gateway PostgreSQL port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--issuer-port", defaultValue = "" + DEFAULT_ISSUER_PORT,
      description = "Dev OIDC issuer port (default: ${DEFAULT-VALUE}).")
  int issuerPort;

  @Option(names = "--admin-port", defaultValue = "" + DEFAULT_ADMIN_PORT,
      description = "Admin API port: approvals, /health, /metrics (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--postgres-port", defaultValue = "54329",
      description = "Port of the dev PostgreSQL cluster (default: ${DEFAULT-VALUE}).")
  int postgresPort;

  @Option(names = "--data", defaultValue = "data/dev",
      description = "Directory for the cluster, keys, config and journal (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--policies", description = "Policy directory (default: ./policies, else the bundled samples).")
  Path policiesDir;

  @Option(names = "--kafka", paramLabel = "HOST:PORT",
      description = "Publish session events to this Kafka (spooled under the data directory) instead of the journal.")
  String kafka;

  @Override
  public Integer call() throws Exception {
    Path data = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(data);
    System.out.println("Starting PostgreSQL under " + data + " on 127.0.0.1:" + postgresPort + " …");
    DevPostgres postgres = DevPostgres.in(data, postgresPort);
    postgres.start();

    Vertx vertx = Vertx.vertx();
    DevIssuer issuer = await(DevIssuer.start(vertx, data, issuerPort));
    Path configFile = writeConfig(data, issuer.issuerUrl(), postgres);
    GatewayConfig config = new ConfigLoader().load(configFile);
    Gateway gateway = await(Gateway.start(vertx, config));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.stop().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
      } finally {
        postgres.stop();
        stopped.countDown();
      }
    }, "portcullis-dev-shutdown"));

    printInstructions(configFile, config, issuer.issuerUrl());
    stopped.await();
    return 0;
  }

  private Path writeConfig(Path data, String issuerUrl, DevPostgres postgres) throws IOException {
    Path policies = policiesDir != null ? policiesDir.toAbsolutePath().normalize() : defaultPolicies(data);
    String yaml = """
        # Written by `portcullis dev` on every start; edit policies, not this file.
        gatewayId: dev
        listen:
          postgres: { host: 127.0.0.1, port: %d }
          admin: { host: 127.0.0.1, port: %d }
        oidc:
          issuer: %s
          audience: %s
          groupsClaim: groups
        targets:
          orders:
            type: postgres
            host: 127.0.0.1
            port: %d
            database: %s
            username: %s
            passwordFile: %s
        policies: %s
        masking: { hashKeyFile: masking.key }
        events:
        %s""".formatted(port, adminPort, issuerUrl, AUDIENCE, postgres.port(), DevPostgres.DATABASE, DevPostgres.GATEWAY_ROLE,
        postgres.passwordFile(), policies, events());
    Path file = data.resolve("portcullis.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** The {@code events:} body: the journal, or Kafka with the spool next to it (quoted: a YAML-safe string). */
  private String events() {
    if (kafka == null) {
      return """
            sink: journal
            journal: { dir: journal }
          """;
    }
    return """
          sink: kafka
          journal: { dir: journal }
          kafka: { bootstrapServers: "%s", spool: { dir: spool } }
        """.formatted(kafka.replace("\\", "").replace("\"", ""));
  }

  /** {@code ./policies} when run from a checkout, else the samples bundled in the jar, copied once. */
  private static Path defaultPolicies(Path data) throws IOException {
    Path local = Path.of("policies").toAbsolutePath().normalize();
    if (Files.isDirectory(local)) {
      try (Stream<Path> files = Files.list(local)) {
        if (files.anyMatch(f -> f.toString().endsWith(".yaml"))) {
          return local;
        }
      }
    }
    Path copy = data.resolve("policies");
    Files.createDirectories(copy);
    for (String name : SAMPLE_POLICIES) {
      Path target = copy.resolve(name);
      if (!Files.exists(target)) {
        try (InputStream in = DevCommand.class.getResourceAsStream("/samples/policies/" + name)) {
          if (in != null) {
            Files.copy(in, target);
          }
        }
      }
    }
    return copy;
  }

  private void printInstructions(Path configFile, GatewayConfig config, String issuerUrl) {
    System.out.printf("""

        Portcullis dev gateway on 127.0.0.1:%d  (target 'orders', policies in %s)
          dev OIDC issuer  %s
          config           %s
          events           %s

        Get a token for an agent in group ai-agents and connect with psql:
          export PGPASSWORD=$(./portcullis token --subject ci-bot --groups ai-agents)
          psql "host=127.0.0.1 port=%d dbname=orders user=ci-bot sslmode=require"

        Try:  SELECT * FROM customers;   DELETE FROM orders;   SELECT pg_read_file('/etc/passwd');

        Writes wait for an approver in group db-owners (rule writes-need-review). In another terminal:
          export PORTCULLIS_TOKEN=$(./portcullis token --subject alice --groups db-owners --audience portcullis-admin)
          ./portcullis approvals list --gateway http://127.0.0.1:%d
          ./portcullis approvals approve ID --gateway http://127.0.0.1:%d --reason "looks right"

        Admin API (health, metrics, approvals): http://127.0.0.1:%d
        Stop with Ctrl-C.
        %s
        """, port, config.policiesDir(), issuerUrl, configFile, eventsWhere(config), port, adminPort, adminPort,
        adminPort, READY);
    System.out.flush();
  }

  private static String eventsWhere(GatewayConfig config) {
    return config.events().kafka() == null ? "journal " + config.events().journalDir()
        : "Kafka " + config.events().kafka().bootstrapServers() + " (topics "
            + config.events().kafka().topicPrefix() + "*)";
  }

  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }
}
