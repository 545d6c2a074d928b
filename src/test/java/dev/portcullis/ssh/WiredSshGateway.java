package dev.portcullis.ssh;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.gateway.Gateway;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The SSH listener as {@code Gateway.start} wires it from config, for the wiring tests: a real OIDC issuer, one
 * MINA target {@code box} (the gateway's key authorized, its host key pinned), the policies of
 * {@code /ssh/policies.yaml}, and the journal under {@code dir/journal}.
 */
final class WiredSshGateway implements AutoCloseable {
  final MockOAuth2Server issuer;
  final TestTarget target;
  final int sshPort;
  final Vertx vertx;
  final Gateway gateway;

  private WiredSshGateway(MockOAuth2Server issuer, TestTarget target, int sshPort, Vertx vertx, Gateway gateway) {
    this.issuer = issuer;
    this.target = target;
    this.sshPort = sshPort;
    this.vertx = vertx;
    this.gateway = gateway;
  }

  /**
   * @param admin the admin listener, or null for none
   * @param ssh   {@code listen.ssh} for the SSH port chosen here
   */
  static WiredSshGateway start(Path dir, String gatewayId, AdminListenConfig admin, IntFunction<SshListenConfig> ssh)
      throws Exception {
    MockOAuth2Server issuer = new MockOAuth2Server();
    issuer.start();
    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = dir.resolve("box.key");
    GatewayHostKey.write(keyFile, gatewayKey);
    TestTarget target = new TestTarget(gatewayKey.getPublic());
    Path policies = Files.createDirectories(dir.resolve("policies"));
    try (var in = WiredSshGateway.class.getResourceAsStream("/ssh/policies.yaml")) {
      Files.copy(in, policies.resolve("ssh.yaml"));
    }
    int sshPort = freePort();
    GatewayConfig config = new GatewayConfig(gatewayId,
        new PostgresListenConfig("127.0.0.1", freePort(), null, false, Duration.ofSeconds(5), 10, 1 << 20),
        new OidcConfig(issuer.issuerUrl("default").toString(), "portcullis", "groups", Duration.ofSeconds(30)),
        Map.of(), policies, new EventsConfig(EventsConfig.Sink.JOURNAL, dir.resolve("journal"), null), null, admin,
        null, ssh.apply(sshPort),
        Map.of("box", new SshTargetConfig("box", "127.0.0.1", target.port(), "deploy", keyFile,
            target.pinnedLine())));
    Vertx vertx = Vertx.vertx();
    Gateway gateway = Gateway.start(vertx, config).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    return new WiredSshGateway(issuer, target, sshPort, vertx, gateway);
  }

  @Override
  public void close() throws Exception {
    gateway.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    target.close();
    issuer.shutdown();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
