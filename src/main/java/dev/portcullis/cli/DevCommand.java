package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.identity.dev.DevIssuer;
import dev.portcullis.ssh.GatewayHostKey;
import dev.portcullis.ssh.dev.DevSshTarget;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A complete single-machine gateway on embedded defaults (design-notes §1): its own PostgreSQL cluster, the dev
 * OIDC issuer, the journal event sink and the sample policies, and for SSH the gateway's SSH listener with an SSH
 * target of its own ({@link DevSshTarget}). Everything listens on 127.0.0.1 only.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run a complete single-machine gateway: own PostgreSQL, an SSH target (dev-box), dev OIDC issuer,"
        + " journal, sample policies.")
final class DevCommand implements Callable<Integer> {
  static final int DEFAULT_ISSUER_PORT = 18080;
  static final int DEFAULT_ADMIN_PORT = 18081;
  static final String AUDIENCE = "portcullis";
  static final String READY = "Portcullis dev gateway is ready.";
  private static final List<String> SAMPLE_POLICIES = List.of("agents.yaml", "owners.yaml", "reporting.yaml",
      "ssh.yaml");
  /** OpenSSH's client sends at most this many bytes as a password or keyboard-interactive answer. */
  static final int OPENSSH_PASSWORD_LIMIT = 1023;

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

  @Option(names = "--ssh-port", defaultValue = "" + SshListenConfig.DEFAULT_PORT,
      description = "Gateway SSH port (default: ${DEFAULT-VALUE}).")
  int sshPort;

  @Option(names = "--ssh-target-port", defaultValue = "0",
      description = "Port of the dev SSH target " + DevSshTarget.NAME + " (default: any free port; only the gateway"
          + " can log in to it).")
  int sshTargetPort;

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
    DevSshTarget box;
    try {
      box = DevSshTarget.start(data.resolve("ssh"), sshTargetPort);
    } catch (IOException | RuntimeException e) {
      postgres.stop();
      throw e;
    }

    Vertx vertx = Vertx.vertx();
    DevIssuer issuer;
    Path configFile;
    GatewayConfig config;
    Gateway gateway;
    try {
      issuer = await(DevIssuer.start(vertx, data, issuerPort));
      configFile = writeConfig(data, issuer.issuerUrl(), postgres, box);
      config = new ConfigLoader().load(configFile);
      gateway = await(Gateway.start(vertx, config));
    } catch (Exception e) {
      // Most often a port in use: the daemonized PostgreSQL and the SSH target must not outlive this process.
      try {
        vertx.close().toCompletionStage().toCompletableFuture().join();
      } catch (RuntimeException ignored) {
        // stopping the rest matters more
      }
      box.close();
      postgres.stop();
      throw e;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.stop().toCompletionStage().toCompletableFuture().join();
        vertx.close().toCompletionStage().toCompletableFuture().join();
      } finally {
        box.close();
        postgres.stop();
        stopped.countDown();
      }
    }, "portcullis-dev-shutdown"));

    printInstructions(configFile, config, issuer.issuerUrl());
    printSshInstructions(data, config, box,
        issuer.mint("ci-bot", List.of("ai-agents"), AUDIENCE, DevIssuer.DEFAULT_TTL).length());
    System.out.printf("%nAdmin API (health, metrics, approvals): http://127.0.0.1:%d%nStop with Ctrl-C.%n%s%n",
        adminPort, READY);
    System.out.flush();
    stopped.await();
    return 0;
  }

  private Path writeConfig(Path data, String issuerUrl, DevPostgres postgres, DevSshTarget box) throws IOException {
    Path policies = policiesDir != null ? policiesDir.toAbsolutePath().normalize() : defaultPolicies(data);
    String yaml = """
        # Written by `portcullis dev` on every start; edit policies, not this file.
        gatewayId: dev
        listen:
          postgres: { host: 127.0.0.1, port: %d }
          admin: { host: 127.0.0.1, port: %d }
          ssh: { host: 127.0.0.1, port: %d, hostKey: ssh/gateway_host_key }
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
          %s:
            type: ssh
            host: 127.0.0.1
            port: %d
            username: %s
            privateKeyFile: %s
            hostKey: "%s"
        policies: %s
        masking: { hashKeyFile: masking.key }
        events:
        %s""".formatted(port, adminPort, sshPort, issuerUrl, AUDIENCE, postgres.port(), DevPostgres.DATABASE,
        DevPostgres.GATEWAY_ROLE, postgres.passwordFile(), DevSshTarget.NAME, box.port(), box.username(),
        box.gatewayKeyFile(), box.pinnedHostKey(), policies, events());
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
        """, port, config.policiesDir(), issuerUrl, configFile, eventsWhere(config), port, adminPort, adminPort);
  }

  /**
   * The SSH walkthrough: what the sample policy ssh.yaml allows, refuses and holds on dev-box, then the replay.
   * sshpass answers only a prompt containing "assword", so its line asks OpenSSH for password authentication (the
   * gateway's keyboard-interactive prompt asks for a token).
   */
  private void printSshInstructions(Path data, GatewayConfig config, DevSshTarget box, int tokenBytes)
      throws Exception {
    String fingerprint = KeyUtils.getFingerPrint(GatewayHostKey.load(config.ssh().hostKey()).getPublic());
    String ssh = "ssh -p " + sshPort + " -o PubkeyAuthentication=no " + DevSshTarget.NAME + "@127.0.0.1";
    String sshpass = "ssh -p " + sshPort + " -o PreferredAuthentications=password " + DevSshTarget.NAME + "@127.0.0.1";
    String replay = config.events().kafka() == null
        ? "./portcullis replay last --source journal --journal " + config.events().journalDir()
            + " --format asciicast > dev-box.cast"
        : "./portcullis replay SESSION_ID --source kafka --config audit.yaml --format asciicast > dev-box.cast";
    System.out.printf("""

        SSH: target '%s' is this machine (commands run as %s in %s), behind the gateway on 127.0.0.1:%d
          gateway host key %s
        Paste a token as the password: dev tokens are %d bytes, %s
          ./portcullis token --subject ci-bot --groups ai-agents
          %s 'uname -a'            allowed (rule look-around in ssh.yaml)
          %s 'rm -rf build'        refused: exit 126, nothing runs
          %s 'systemctl restart cron'   waits for an approver in group ops
        Or without pasting (apt-get install sshpass):
          SSHPASS=$(./portcullis token --subject ci-bot --groups ai-agents) \\
            sshpass -e %s 'git status'
        A shell is for group ops only (what is typed there is recorded):
          ./portcullis token --subject bob --groups ops
          %s
        Replay the latest recorded SSH channel as an asciicast, then play it with asciinema play dev-box.cast:
          %s
        """, DevSshTarget.NAME, box.username(), Path.of("").toAbsolutePath(), sshPort, fingerprint, tokenBytes,
        tokenBytes < OPENSSH_PASSWORD_LIMIT ? "under OpenSSH's " + OPENSSH_PASSWORD_LIMIT + "-byte password limit"
            : "OVER OpenSSH's " + OPENSSH_PASSWORD_LIMIT + "-byte password limit (use a shorter --groups list)",
        ssh, ssh, ssh, sshpass, ssh, replay);
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
