package dev.portcullis.ssh;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.RejectAllPasswordAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ProcessShellFactory;

/**
 * The SSH host behind the gateway in tests: a MINA server that runs real processes on this machine ({@code /bin/sh}
 * for shells, {@code /bin/sh -c COMMAND} for exec), accepts only the gateway's public key, and reports what ran.
 */
final class TestTarget implements AutoCloseable {
  final KeyPair hostKey;
  final SshServer server;
  /** Every exec command line that started a process, in order. */
  final List<String> executed = new CopyOnWriteArrayList<>();
  /** "COLUMNSxLINES" of every window change a shell saw. */
  final BlockingQueue<String> windowChanges = new LinkedBlockingQueue<>();
  /** "started COMMAND" / "closed COMMAND" ("shell" for shells) for each channel that ran a process. */
  final BlockingQueue<String> lifecycle = new LinkedBlockingQueue<>();

  TestTarget(PublicKey gatewayKey) throws Exception {
    hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator(RejectAllPasswordAuthenticator.INSTANCE);
    server.setPublickeyAuthenticator((user, key, session) -> user.equals("deploy") && KeyUtils.compareKeys(key,
        gatewayKey));
    server.setShellFactory(channel -> observed("shell", new ProcessShellFactory("/bin/sh", "/bin/sh").createShell(channel)));
    server.setCommandFactory((channel, command) -> {
      executed.add(command);
      // MINA runs the factory's command line with /bin/sh -c on this OS
      return observed(command, new ProcessShellFactory(command, CommandFactory.split(command)).createShell(channel));
    });
    server.start();
  }

  int port() {
    return server.getPort();
  }

  /** The OpenSSH public key line a gateway config pins. */
  String pinnedLine() {
    return PublicKeyEntry.toString(hostKey.getPublic());
  }

  /** Wraps a process command to report start, close and window changes. */
  private Command observed(String label, Command real) {
    return new Command() {
      @Override
      public void setExitCallback(ExitCallback callback) {
        real.setExitCallback(callback);
      }

      @Override
      public void setInputStream(java.io.InputStream in) {
        real.setInputStream(in);
      }

      @Override
      public void setOutputStream(java.io.OutputStream out) {
        real.setOutputStream(out);
      }

      @Override
      public void setErrorStream(java.io.OutputStream err) {
        real.setErrorStream(err);
      }

      @Override
      public void start(ChannelSession channel, Environment env) throws IOException {
        env.addSignalListener((ch, signal) -> windowChanges.add(env.getEnv().get(Environment.ENV_COLUMNS) + "x"
            + env.getEnv().get(Environment.ENV_LINES)), org.apache.sshd.server.Signal.WINCH);
        channel.addCloseFutureListener(f -> lifecycle.add("closed " + label));
        lifecycle.add("started " + label);
        real.start(channel, env);
      }

      @Override
      public void destroy(ChannelSession channel) throws Exception {
        real.destroy(channel);
      }
    };
  }

  /** Waits for {@code entry} in {@link #lifecycle}, passing over the entries of other channels. */
  void await(String entry) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (true) {
      long left = deadline - System.nanoTime();
      String next = left <= 0 ? null : lifecycle.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("the target never reported '" + entry + "'");
      }
      if (next.equals(entry)) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(true);
  }
}
