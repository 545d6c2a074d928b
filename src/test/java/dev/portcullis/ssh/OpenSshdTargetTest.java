package dev.portcullis.ssh;

import static dev.portcullis.ssh.SshGatewayTest.WAIT;
import static dev.portcullis.ssh.SshGatewayTest.awaitOutput;
import static dev.portcullis.ssh.SshGatewayTest.exec;
import static dev.portcullis.ssh.SshGatewayTest.login;
import static dev.portcullis.ssh.SshGatewayTest.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.Map;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSH's {@code sshd} as the target (Debian package {@code openssh-server}): a real PTY, and exit signals as
 * OpenSSH sends them. Skipped, saying why, where sshd is not installed.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class OpenSshdTargetTest {
  static final Path SSHD = Path.of("/usr/sbin/sshd");
  @TempDir
  static Path tmp;
  static Process sshd;
  static SshGatewayServer gateway;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SSHD), "OpenSSH server not installed (apt-get install openssh-server)");
    SshGatewayTest.dir = tmp;
    SshGatewayTest.start();
    KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    GatewayHostKey.write(tmp.resolve("sshd_host_key"), hostKey);
    GatewayHostKey.write(tmp.resolve("gateway.key"), gatewayKey);
    Files.writeString(tmp.resolve("authorized_keys"), PublicKeyEntry.toString(gatewayKey.getPublic()) + "\n");
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.writeString(tmp.resolve("sshd_config"), String.join("\n",
        "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + tmp.resolve("sshd_host_key"),
        "AuthorizedKeysFile " + tmp.resolve("authorized_keys"), "StrictModes no", "UsePAM no",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password", "PidFile none", "") );
    if ("root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    }
    sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", tmp.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("sshd.log").toFile()).start();
    awaitListening(port);
    String user = System.getProperty("user.name");
    gateway = new SshGatewayServer(new SshListenConfig("127.0.0.1", 0, tmp.resolve("gw_host_key")),
        Map.of("real", new SshTargetConfig("real", "127.0.0.1", port, user, tmp.resolve("gateway.key"),
            PublicKeyEntry.toString(hostKey.getPublic()))),
        SshGatewayTest.validator, task -> SshGatewayTest.vertx.runOnContext(v -> task.run()),
        AcceptAllSshPolicy.INSTANCE, SshApprovals.UNAVAILABLE, SshSessionEvents.NONE, ChannelRecorders.NONE);
    gateway.start();
  }

  private static void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        assertTrue(sshd.isAlive(), () -> "sshd exited: " + log());
        assertTrue(System.nanoTime() < deadline, () -> "sshd did not listen: " + log());
        Thread.sleep(20);
      }
    }
  }

  private static String log() {
    try {
      return Files.readString(tmp.resolve("sshd.log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor();
    }
    if (Files.isExecutable(SSHD)) {
      SshGatewayTest.stop();
    }
  }

  @Test
  void execAndExitStatus() throws Exception {
    try (ClientSession session = login(gateway.port(), "real", token)) {
      assertEquals(new SshGatewayTest.Ran(0, "hello\n", ""), exec(session, "echo hello"));
      assertEquals(3, exec(session, "exit 3").exitStatus());
    }
  }

  @Test
  void exitSignalIsPassedThrough() throws Exception {
    try (ClientSession session = login(gateway.port(), "real", token);
        ChannelExec channel = session.createExecChannel("kill -TERM $$")) {
      channel.open().verify(WAIT);
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      assertEquals("TERM", channel.getExitSignal());
    }
  }

  @Test
  void realPtyGetsTermSizeAndWindowChanges() throws Exception {
    try (ClientSession session = login(gateway.port(), "real", token);
        ChannelShell shell = session.createShellChannel()) {
      shell.setPtyType("xterm-256color");
      shell.setPtyColumns(100);
      shell.setPtyLines(30);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PipedInputStream keyboard = new PipedInputStream();
      PipedOutputStream typing = new PipedOutputStream(keyboard);
      shell.setOut(out);
      shell.setErr(out);
      shell.setIn(keyboard);
      shell.open().verify(WAIT);
      typing.write("echo T=$TERM; stty size\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      awaitOutput(out, "30 100");
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("T=xterm-256color"), out.toString());
      shell.sendWindowChange(132, 43);
      typing.write("stty size; exit\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("43 132"), out.toString());
      assertEquals(0, shell.getExitStatus());
    }
  }
}
