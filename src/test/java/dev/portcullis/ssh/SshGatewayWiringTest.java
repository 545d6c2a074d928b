package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.gateway.Gateway;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH listener as {@code Gateway.start} wires it from config: the policy verticle judges each command from the
 * policy files, and every channel is recorded as {@code io.frame} events in the journal.
 */
class SshGatewayWiringTest {
  @TempDir
  static Path dir;
  private static MockOAuth2Server issuer;
  private static Vertx vertx;
  private static Gateway gateway;
  private static TestTarget target;
  private static int sshPort;
  private static String token;
  private static SshClient client;

  @BeforeAll
  static void start() throws Exception {
    issuer = new MockOAuth2Server();
    issuer.start();
    token = issuer.issueToken("default", "ssh-bot", "portcullis", Map.of("groups", List.of("ssh-agents"))).serialize();
    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = dir.resolve("box.key");
    GatewayHostKey.write(keyFile, gatewayKey);
    target = new TestTarget(gatewayKey.getPublic());
    Path policies = Files.createDirectories(dir.resolve("policies"));
    try (var in = SshGatewayWiringTest.class.getResourceAsStream("/ssh/policies.yaml")) {
      Files.copy(in, policies.resolve("ssh.yaml"));
    }
    sshPort = freePort();
    GatewayConfig config = new GatewayConfig("ssh-gw",
        new PostgresListenConfig("127.0.0.1", freePort(), null, false, Duration.ofSeconds(5), 10, 1 << 20),
        new OidcConfig(issuer.issuerUrl("default").toString(), "portcullis", "groups", Duration.ofSeconds(30)),
        Map.of(), policies, new EventsConfig(EventsConfig.Sink.JOURNAL, dir.resolve("journal"), null), null, null,
        null, new SshListenConfig("127.0.0.1", sshPort, dir.resolve("ssh_host_key")),
        Map.of("box", new SshTargetConfig("box", "127.0.0.1", target.port(), "deploy", keyFile,
            target.pinnedLine())));
    vertx = Vertx.vertx();
    gateway = Gateway.start(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    client = SshClient.setUpDefaultClient();
    client.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    if (gateway != null) {
      gateway.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    target.close();
    issuer.shutdown();
  }

  record Result(Integer exit, String out, String err) {}

  private static Result exec(String command) throws Exception {
    try (ClientSession session = client.connect("box", "127.0.0.1", sshPort).verify(10, TimeUnit.SECONDS)
        .getSession()) {
      session.addPasswordIdentity(token);
      session.auth().verify(10, TimeUnit.SECONDS);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try (ChannelExec channel = session.createExecChannel(command)) {
        channel.setOut(out);
        channel.setErr(err);
        channel.open().verify(10, TimeUnit.SECONDS);
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TimeUnit.SECONDS.toMillis(20));
        return new Result(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void policyFilesDecideEachCommandAndChannelsAreRecorded() throws Exception {
    Result hello = exec("echo hello-from-box");
    assertEquals(0, hello.exit(), hello.err());
    assertEquals("hello-from-box\n", hello.out());

    Result mixed = exec("echo hi; rm -rf /tmp/portcullis-never");
    assertEquals(126, mixed.exit());
    assertEquals("", mixed.out(), "nothing ran");
    assertTrue(mixed.err().contains("denied by rule 'no-rm' of policy 'box-agents'"), mixed.err());
    Result unlisted = exec("cat /etc/hostname");
    assertEquals(126, unlisted.exit());
    assertTrue(unlisted.err().contains("no rule allows exec 'cat /etc/hostname'"), unlisted.err());
    assertFalse(target.executed.stream().anyMatch(c -> c.contains("rm ") || c.contains("cat ")), target.executed::toString);

    Path sessions = dir.resolve("journal/portcullis.sessions.jsonl");
    Path recordings = dir.resolve("journal/portcullis.recordings.jsonl");
    Await.until(Duration.ofSeconds(20), () -> Files.exists(recordings)
        && Files.readString(recordings).contains("hello-from-box")
        && Files.readString(sessions).contains("\"rule\":\"no-rm\""), () -> "decisions and frames in the journal");
    String journal = Files.readString(sessions);
    assertTrue(journal.contains("\"rule\":\"echo-and-ls\""), journal);
    assertTrue(journal.contains("\"exitStatus\":0"), journal);
    assertFalse(journal.contains(token), "no token in events");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
