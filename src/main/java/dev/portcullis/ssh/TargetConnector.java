package dev.portcullis.ssh;

import dev.portcullis.config.SshTargetConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * The gateway's side towards SSH targets: one MINA {@link SshClient} per target, each logging in only with that
 * target's own private key and trusting only its pinned host key. Nothing from the agent's machine or the
 * gateway user's {@code ~/.ssh} is used.
 */
public final class TargetConnector implements AutoCloseable {
  private final Map<String, SshClient> clients = new LinkedHashMap<>();
  private final Map<String, PinnedHostKeyVerifier> verifiers = new LinkedHashMap<>();

  /** Reads every target's key file now (at start, not on a session's thread) and starts the clients. */
  public TargetConnector(Collection<SshTargetConfig> targets) {
    this(targets, null);
  }

  /**
   * @param idleTimeout the agents' idle timeout ({@code listen.ssh.idleTimeout}), or null for MINA's default. The
   *                    gateway's session to a target is kept a minute longer, so that it is the agent's session
   *                    that times out first (and closes it) rather than its command dying underneath it.
   */
  public TargetConnector(Collection<SshTargetConfig> targets, Duration idleTimeout) {
    for (SshTargetConfig target : targets) {
      KeyPair key;
      try {
        key = GatewayHostKey.load(target.privateKeyFile());
      } catch (IOException | GeneralSecurityException e) {
        close();
        throw new IllegalStateException("SSH target '" + target.name() + "': cannot read privateKeyFile "
            + target.privateKeyFile() + ": " + e.getMessage(), e);
      }
      PinnedHostKeyVerifier verifier = new PinnedHostKeyVerifier(target.hostKey());
      SshClient client = SshClient.setUpDefaultClient();
      client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
      client.setKeyIdentityProvider(KeyIdentityProvider.wrapKeyPairs(key));
      client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
      client.setServerKeyVerifier(verifier);
      if (idleTimeout != null) {
        CoreModuleProperties.IDLE_TIMEOUT.set(client, idleTimeout.plusMinutes(1));
      }
      // The only channel a target may open back: a forwarded agent's, and only where a rule allowed it. Not
      // MINA's defaults (its own agent, remote-forward channels that the gateway never asks for).
      client.setChannelFactories(List.of(AgentForward.INSTANCE));
      client.start();
      clients.put(target.name(), client);
      verifiers.put(target.name(), verifier);
    }
  }

  /** An authenticated session to {@code target}; fails with {@link TargetUnavailableException} and a clear reason. */
  public Future<ClientSession> connect(SshTargetConfig target) {
    SshClient client = clients.get(target.name());
    if (client == null) {
      return Future.failedFuture(new TargetUnavailableException("target '" + target.name() + "' is not configured"));
    }
    Promise<ClientSession> promise = Promise.promise();
    ConnectFuture connecting;
    try {
      connecting = client.connect(target.username(), target.host(), target.port());
    } catch (IOException e) {
      return Future.failedFuture(unreachable(target, e));
    }
    connecting.addListener(connected -> {
      if (!connected.isConnected()) {
        promise.fail(unreachable(target, connected.getException()));
        return;
      }
      ClientSession session = connected.getSession();
      try {
        session.auth().addListener(auth -> {
          String offered = verifiers.get(target.name()).refusedKey(session);
          if (auth.isSuccess()) {
            promise.complete(session);
            return;
          }
          session.close(true);
          promise.fail(refused(target, offered, auth.getException()));
        });
      } catch (IOException e) {
        session.close(true);
        promise.fail(refused(target, verifiers.get(target.name()).refusedKey(session), e));
      }
    });
    return promise.future();
  }

  private TargetUnavailableException refused(SshTargetConfig target, String offered, Throwable cause) {
    if (offered != null) {
      return new TargetUnavailableException("the host key of target '" + target.name() + "' (" + offered
          + ") is not the pinned one (" + verifiers.get(target.name()).pinnedFingerprint()
          + "); refusing to connect");
    }
    return new TargetUnavailableException("the gateway could not log in to target '" + target.name() + "'"
        + (cause == null ? "" : ": " + cause.getMessage()));
  }

  private static TargetUnavailableException unreachable(SshTargetConfig target, Throwable cause) {
    return new TargetUnavailableException("cannot reach target '" + target.name() + "'"
        + (cause == null ? "" : ": " + cause.getMessage()));
  }

  @Override
  public void close() {
    for (SshClient client : clients.values()) {
      try {
        client.stop();
      } catch (RuntimeException e) {
        // stopping the rest matters more
      }
    }
  }
}
