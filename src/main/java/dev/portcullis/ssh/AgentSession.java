package dev.portcullis.ssh;

import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.Identity;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * One authenticated agent connection: who it is, which target it named, and the gateway's own SSH session to that
 * target, opened when the first channel is allowed and shared by every later channel of the connection.
 */
public final class AgentSession {
  private static final AttributeKey<AgentSession> OWNER = new AttributeKey<>();
  private final String sessionId = UUID.randomUUID().toString();
  private final Identity identity;
  private final SshTargetConfig target;
  private final String clientAddress;
  private final String clientVersion;
  private final Instant startedAt = Instant.now();
  private final AtomicLong statements = new AtomicLong();
  private final Future<Void> admitted;
  /** The agent's own connection to the gateway (where forwarded agent channels are opened); null in unit tests. */
  private volatile Session connection;
  private volatile boolean agentForwarding;
  private Future<ClientSession> upstream;
  private boolean closed;

  /** @param admitted completes when the policy admitted the identity to the target; fails when it did not */
  AgentSession(Identity identity, SshTargetConfig target, String clientAddress, String clientVersion,
      Future<Void> admitted) {
    this.admitted = admitted;
    this.identity = identity;
    this.target = target;
    this.clientAddress = clientAddress;
    this.clientVersion = clientVersion;
  }

  public String sessionId() {
    return sessionId;
  }

  public Identity identity() {
    return identity;
  }

  public SshTargetConfig target() {
    return target;
  }

  public String clientAddress() {
    return clientAddress;
  }

  /** The client's SSH version string ({@code SSH-2.0-OpenSSH_9.2p1}), or {@code null}. */
  public String clientVersion() {
    return clientVersion;
  }

  public Instant startedAt() {
    return startedAt;
  }

  /** Completes once the identity is admitted to the target: no channel is judged before. */
  Future<Void> admitted() {
    return admitted;
  }

  /** How many channels were decided so far. */
  public long statements() {
    return statements.get();
  }

  /** The next statement id, {@code "<sessionId>/<n>"} as for SQL statements. */
  String nextStatementId() {
    return sessionId + "/" + statements.incrementAndGet();
  }

  void connection(Session connection) {
    this.connection = connection;
  }

  Session connection() {
    return connection;
  }

  /** A rule allowed {@code agent-forward} on one of this connection's channels. */
  void allowAgentForwarding() {
    agentForwarding = true;
  }

  /**
   * Whether the target may open agent channels back through this connection: only after a rule allowed agent
   * forwarding on one of its channels (the target's agent channels do not say for which of them they are).
   */
  boolean agentForwardingAllowed() {
    return agentForwarding;
  }

  /** The agent session whose upstream {@code session} is, or null. */
  static AgentSession ofUpstream(Session session) {
    return session.getAttribute(OWNER);
  }

  /** The upstream session, connecting (again, when the last one closed) with {@code connect}. */
  synchronized Future<ClientSession> upstream(Supplier<Future<ClientSession>> connect) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the agent's session is closed"));
    }
    boolean usable = upstream != null && (!upstream.isComplete()
        || (upstream.succeeded() && upstream.result().isOpen()));
    if (!usable) {
      // Tagged first, before any channel on it can exist: the target's agent channels find their way back by it.
      upstream = connect.get().onSuccess(s -> s.setAttribute(OWNER, this));
    }
    return upstream;
  }

  /** Ends the upstream session with the agent's; a connect still running is closed when it completes. */
  synchronized void close() {
    closed = true;
    if (upstream != null) {
      upstream.onSuccess(s -> s.close(true));
    }
  }
}
