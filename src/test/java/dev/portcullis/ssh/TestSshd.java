package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * OpenSSH's {@code sshd} as a target, run as this user in a directory of its own: only the gateway's key logs in,
 * with OpenSSH's defaults otherwise (TCP and agent forwarding allowed), so what a target really does with a
 * forward is what the tests see.
 */
final class TestSshd implements AutoCloseable {
  static final Path SSHD = Path.of("/usr/sbin/sshd");

  final Path dir;
  final int port;
  final KeyPair hostKey;
  /** The gateway's private key for this target (the only one sshd lets in). */
  final Path gatewayKeyFile;
  private final Process process;

  TestSshd(Path dir) throws Exception {
    this.dir = dir;
    hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    GatewayHostKey.write(dir.resolve("sshd_host_key"), hostKey);
    gatewayKeyFile = dir.resolve("gateway.key");
    GatewayHostKey.write(gatewayKeyFile, gatewayKey);
    Files.writeString(dir.resolve("authorized_keys"), PublicKeyEntry.toString(gatewayKey.getPublic()) + "\n");
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.writeString(dir.resolve("sshd_config"), String.join("\n",
        "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("sshd_host_key"),
        "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "StrictModes no", "UsePAM no",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password", "PidFile none", "LogLevel VERBOSE", ""));
    if ("root".equals(System.getProperty("user.name"))) {
      Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    }
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    awaitListening(Duration.ofSeconds(20));
  }

  String pinnedLine() {
    return PublicKeyEntry.toString(hostKey.getPublic());
  }

  String log() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private void awaitListening(Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        assertTrue(process.isAlive(), () -> "sshd exited: " + log());
        assertTrue(System.nanoTime() < deadline, () -> "sshd did not listen: " + log());
        Thread.sleep(20); // sshd says nothing when it listens: polling its port is the only signal
      }
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
  }
}
