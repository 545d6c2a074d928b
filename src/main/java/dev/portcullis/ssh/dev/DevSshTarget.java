package dev.portcullis.ssh.dev;

import dev.portcullis.ssh.GatewayHostKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.shell.ProcessShellFactory;

/**
 * The SSH host that {@code portcullis dev} puts behind its gateway, so that a new user can try the SSH gateway with
 * nothing else installed: a MINA server on 127.0.0.1 that runs real commands ({@code /bin/sh -c COMMAND}, as sshd
 * runs them with a POSIX login shell) and a real shell ({@code /bin/sh -i}), as the OS user running {@code dev}, in
 * its working directory.
 *
 * <p>Only the gateway gets in: the one authorized key is the gateway's own client key, generated next to the
 * target's host key under the data directory and kept across restarts (so the pinned host key in the generated
 * config stays valid). Passwords, keyboard-interactive and forwarding are refused, and no subsystem is offered.
 */
public final class DevSshTarget implements AutoCloseable {
  /** The target's name in the dev config: the SSH user name agents give ({@code ssh dev-box@127.0.0.1}). */
  public static final String NAME = "dev-box";

  private final SshServer server;
  private final KeyPair hostKey;
  private final Path gatewayKeyFile;
  private final String username;

  private DevSshTarget(SshServer server, KeyPair hostKey, Path gatewayKeyFile, String username) {
    this.server = server;
    this.hostKey = hostKey;
    this.gatewayKeyFile = gatewayKeyFile;
    this.username = username;
  }

  /**
   * Generates (first time) or reads the keys under {@code dir} and listens on 127.0.0.1:{@code port}
   * (0: any free port). Blocking: call it before Vert.x starts or on a worker.
   */
  public static DevSshTarget start(Path dir, int port) throws IOException {
    KeyPair hostKey = key(dir.resolve(NAME + "_host_key"));
    Path gatewayKeyFile = dir.resolve("gateway-to-" + NAME + ".key");
    PublicKey gatewayKey = key(gatewayKeyFile).getPublic();
    String username = System.getProperty("user.name");

    SshServer server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(port);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    server.setPublickeyAuthenticator((user, key, session) -> user.equals(username)
        && KeyUtils.compareKeys(key, gatewayKey));
    server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    // Both run through /bin/sh -c on this OS: the exec line is the shell's to parse, as with sshd.
    server.setShellFactory(new ProcessShellFactory("/bin/sh -i", "/bin/sh", "-i"));
    server.setCommandFactory((channel, command) -> new ProcessShellFactory(command,
        CommandFactory.split(command)).createShell(channel));
    server.start();
    return new DevSshTarget(server, hostKey, gatewayKeyFile, username);
  }

  /** Reads the key pair, or generates an ed25519 one and writes it owner-only. */
  private static KeyPair key(Path file) throws IOException {
    try {
      if (Files.exists(file)) {
        return GatewayHostKey.load(file);
      }
      KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
      GatewayHostKey.write(file, key);
      return key;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read or create the dev SSH key " + file + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** The account commands run as (the OS user of this process), which the gateway logs in as. */
  public String username() {
    return username;
  }

  /** The gateway's private key for this target ({@code privateKeyFile} in the config). */
  public Path gatewayKeyFile() {
    return gatewayKeyFile;
  }

  /** The OpenSSH public key line the config pins ({@code hostKey}). */
  public String pinnedHostKey() {
    return PublicKeyEntry.toString(hostKey.getPublic());
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      // stopping anyway
    }
  }
}
