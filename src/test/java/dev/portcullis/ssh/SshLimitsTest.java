package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.SshLimits;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.OidcTokenValidator;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code listen.ssh}'s timeouts and limits with real clients: OpenSSH (through sshpass) where the agent must see
 * why it was turned away, the MINA client where a test needs sessions or channels held open.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class SshLimitsTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir
  static Path dir;
  static Vertx vertx;
  static MockOAuth2Server issuer;
  static OidcTokenValidator validator;
  static TestTarget target;
  static Map<String, SshTargetConfig> targets;
  static SshClient agents;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    issuer = new MockOAuth2Server();
    issuer.start();
    validator = SshGatewayTest.await(OidcTokenValidator.create(vertx,
        new OidcConfig(issuer.issuerUrl("default").toString(), "portcullis", "groups", Duration.ofSeconds(30))));
    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = dir.resolve("gateway-to-box.key");
    GatewayHostKey.write(keyFile, gatewayKey);
    target = new TestTarget(gatewayKey.getPublic());
    targets = Map.of("box", new SshTargetConfig("box", "127.0.0.1", target.port(), "deploy", keyFile,
        target.pinnedLine()));
    agents = SshClient.setUpDefaultClient();
    agents.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    agents.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    agents.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    agents.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE));
    agents.start();
  }

  @AfterAll
  static void stop() throws Exception {
    agents.stop();
    target.close();
    issuer.shutdown();
    SshGatewayTest.await(vertx.close());
  }

  static String token(String subject) {
    return issuer.issueToken("default", subject, "portcullis", Map.of("groups", List.of("agents"))).serialize();
  }

  static SshGatewayServer gateway(SshLimits limits) throws Exception {
    SshGatewayServer gateway = new SshGatewayServer(new SshListenConfig("127.0.0.1", 0, dir.resolve("host_key"),
        null, null, limits), targets, validator, task -> vertx.runOnContext(v -> task.run()),
        AcceptAllSshPolicy.INSTANCE, SshApprovals.UNAVAILABLE,
        SshSessionEvents.NONE, ChannelRecorders.NONE);
    gateway.start();
    return gateway;
  }

  static SshLimits limits(Duration auth, Duration idle, int sessions, int perIdentity, int channels) {
    return new SshLimits(auth, idle, sessions, perIdentity, channels);
  }

  static ClientSession login(SshGatewayServer gateway, String token) throws Exception {
    ClientSession session = agents.connect("box", "127.0.0.1", gateway.port()).verify(WAIT).getSession();
    session.addPasswordIdentity(token);
    session.auth().verify(WAIT);
    return session;
  }

  record Run(int exit, String out, String err, long millis) {}

  /** OpenSSH as an agent runs it, the token through sshpass. */
  static Run ssh(SshGatewayServer gateway, String token, String command, String... options) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sshpass")), "sshpass not installed");
    List<String> args = new ArrayList<>(List.of("sshpass", "-e", "ssh", "-F", "/dev/null", "-p", "" + gateway.port(),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1"));
    args.addAll(List.of(options));
    args.addAll(List.of("box@127.0.0.1", command));
    ProcessBuilder pb = new ProcessBuilder(args);
    pb.environment().put("SSHPASS", token);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    long started = System.nanoTime();
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ssh did not finish");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Test
  void idleSessionIsClosed() throws Exception {
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(30), Duration.ofSeconds(1), 10, 10, 10))) {
      String token = token("ci-bot");
      Run quiet = ssh(gateway, token, "sleep 30; echo never");
      assertEquals(255, quiet.exit(), quiet.err());
      assertTrue(quiet.err().contains("portcullis: session closed: no traffic for 1s (listen.ssh.idleTimeout)"),
          quiet.err());
      assertTrue(quiet.millis() < 15_000, "closed after " + quiet.millis() + " ms");
      // Traffic is not idleness: a command that keeps printing outlives the timeout.
      Run chatty = ssh(gateway, token, "for i in 1 2 3 4 5 6; do echo $i; sleep 0.4; done");
      assertEquals(0, chatty.exit(), chatty.err());
      assertEquals("1\n2\n3\n4\n5\n6\n", chatty.out());
    }
    // A quiet command outlives it when the client sends keepalives more often, as the README tells agents to.
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(30), Duration.ofSeconds(3), 10, 10, 10))) {
      Run alive = ssh(gateway, token("ci-bot"), "sleep 5; echo done", "-o", "ServerAliveInterval=1");
      assertEquals(0, alive.exit(), alive.err());
      assertEquals("done\n", alive.out());
    }
  }

  @Test
  void unauthenticatedConnectionIsClosedAfterAuthTimeout() throws Exception {
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(1), Duration.ofMinutes(5), 10, 10, 10));
        Socket silent = new Socket("127.0.0.1", gateway.port())) {
      silent.setSoTimeout(20_000);
      long started = System.nanoTime();
      InputStream in = silent.getInputStream();
      byte[] banner = new byte[255];
      int n = in.read(banner);
      assertTrue(new String(banner, 0, n, StandardCharsets.US_ASCII).startsWith("SSH-2.0-"));
      // Never answers: the gateway must hang up on its own (read returns -1), well before the socket timeout.
      while (in.read(banner) >= 0) {
        // the server's key exchange proposal, then its disconnect
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(ms >= 900 && ms < 10_000, "closed after " + ms + " ms");
    }
  }

  @Test
  void sessionsBeyondMaxSessionsAreRefusedWithAMessage() throws Exception {
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(30), Duration.ofMinutes(5), 2, 10, 10))) {
      String token = token("ci-bot");
      ClientSession first = login(gateway, token);
      ClientSession second = login(gateway, token(("other-bot")));
      Run third = ssh(gateway, token, "echo third");
      assertEquals(255, third.exit(), third.err());
      assertTrue(third.err().contains("portcullis: the gateway has too many SSH sessions open (2)"), third.err());
      assertEquals("", third.out());
      first.close();
      Await.until(WAIT, () -> ssh(gateway, token, "echo again").out().equals("again\n"),
          () -> "a session admitted once one closed");
      second.close();
    }
  }

  @Test
  void sessionsOfOneIdentityBeyondTheLimitAreRefused() throws Exception {
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 1, 10))) {
      String token = token("ci-bot");
      ClientSession held = login(gateway, token);
      Run second = ssh(gateway, token, "echo second");
      assertEquals(255, second.exit(), second.err());
      assertTrue(second.err().contains("portcullis: 'ci-bot' has too many SSH sessions open (1)"), second.err());
      assertTrue(second.err().contains("Permission denied"), second.err());
      Run other = ssh(gateway, token("other-bot"), "echo other");
      assertEquals(0, other.exit(), other.err());
      assertEquals("other\n", other.out());
      held.close();
      Await.until(WAIT, () -> ssh(gateway, token, "echo again").out().equals("again\n"),
          () -> "ci-bot admitted again once its session closed");
    }
  }

  @Test
  void channelsBeyondTheLimitAreRefusedAndTheSessionStaysUsable() throws Exception {
    try (SshGatewayServer gateway = gateway(limits(Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 10, 2));
        ClientSession session = login(gateway, token("ci-bot"))) {
      List<ChannelShell> open = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ChannelShell shell = session.createShellChannel();
        shell.open().verify(WAIT);
        open.add(shell);
      }
      ChannelShell third = session.createShellChannel();
      Exception refused = assertThrows(Exception.class, () -> third.open().verify(WAIT));
      org.apache.sshd.common.channel.exception.SshChannelOpenException failure = null;
      for (Throwable t = refused; t != null && failure == null; t = t.getCause()) {
        failure = t instanceof org.apache.sshd.common.channel.exception.SshChannelOpenException o ? o : null;
      }
      assertTrue(failure != null, refused.toString());
      assertEquals(org.apache.sshd.common.SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, failure.getReasonCode());
      assertTrue(session.isOpen(), "the session survived the refused channel: " + refused);
      open.get(0).close(false).await(WAIT);
      // The gateway frees the slot when its side of the channel has closed, a moment after the client's side.
      Await.until(WAIT, () -> {
        try {
          return SshGatewayTest.exec(session, "echo ok").equals(new SshGatewayTest.Ran(0, "ok\n", ""));
        } catch (java.io.IOException e) {
          return false;
        }
      }, () -> "a channel opened once one closed");
      open.get(1).close(true);
      open.get(1).waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
    }
  }
}
