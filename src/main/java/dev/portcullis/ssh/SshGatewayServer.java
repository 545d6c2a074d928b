package dev.portcullis.ssh;

import dev.portcullis.config.SshLimits;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.TokenValidator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * The SSH listener ({@code listen.ssh}) as a plain class: a MINA {@link SshServer} whose agents authenticate with
 * their OIDC token ({@link TokenAuthenticator}) or a certificate of the gateway's user CA ({@link CertificateAuth}),
 * name the target as SSH user, and get each exec, shell or subsystem judged by the {@link SshPolicy} (a review
 * waits for {@link SshApprovals}) and bridged to the target ({@link BridgedCommand}).
 *
 * <p>Forwarding goes through the same policy, per request, and is refused unless a rule allows it:
 * <ul>
 *   <li>{@code direct-tcpip} ({@code ssh -L}, {@code -W}, {@code -D}): judged as {@code port-forward} with the
 *       destination's one canonical {@code host:port} ({@link ForwardDestination}); allowed ones are opened from the
 *       target over the gateway's upstream session, as through a jump host ({@link LocalForward}).</li>
 *   <li>agent forwarding ({@code auth-agent-req@openssh.com}, {@code ssh -A}): judged as {@code agent-forward} per
 *       session channel ({@link GatewayChannelSession}); allowed, the target's channel asks for it too and the
 *       target's agent channels are relayed to the agent's client ({@link AgentForward}).</li>
 * </ul>
 * Refused at the door whatever the rules say, with a message where the protocol carries one: plain public keys
 * and certificates of any other CA; host-based authentication; {@code direct-streamlocal@openssh.com} and
 * {@code tun@openssh.com} channels; remote forwarding ({@code tcpip-forward}, {@code ssh -R}: a listener on the
 * target has no policy kind yet; MINA's reject-all forwarding filter) and X11 (reported as a denied {@code x11}
 * statement); {@code env} requests; subsystems other than sftp, and sftp unless the
 * policy allows it. {@code scp -O} and rsync arrive as exec commands and are judged as such.
 */
public final class SshGatewayServer implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SshGatewayServer.class);
  private static final AttributeKey<AgentSession> AGENT = new AttributeKey<>();
  /** The subsystems that reach the policy at all; any other name is refused by MINA as unknown. */
  static final List<String> SUBSYSTEMS = List.of("sftp");
  static final int MAX_AUTH_ATTEMPTS = 6;

  private final SshServer server;
  private final SshPolicy policy;
  private final Executor onVertx;
  private final TargetConnector connector;
  private final SshSessionEvents events;
  private final SessionLimiter limiter;

  /**
   * @param onVertx where token validation runs (the verticle's context)
   */
  public SshGatewayServer(SshListenConfig listen, Map<String, SshTargetConfig> targets, TokenValidator tokens,
      Executor onVertx, SshPolicy policy, SshApprovals approvals, SshSessionEvents events,
      ChannelRecorders recorders) {
    KeyPair hostKey = GatewayHostKey.loadOrCreate(listen.hostKey());
    this.policy = policy;
    this.onVertx = onVertx;
    this.events = events;
    SshLimits limits = listen.limits();
    this.connector = new TargetConnector(targets.values(), limits.idleTimeout());
    BridgeServices services = new BridgeServices(policy, approvals, events, recorders, connector);
    limiter = new SessionLimiter(limits);
    TokenAuthenticator auth = new TokenAuthenticator(targets::get, tokens, policy, onVertx,
        (session, identity) -> limiter.admit(session, identity.subject()));
    UserCertificateCheck certificates = SshUserCa.loadOrCreate(listen.userCa(), listen.maxCertificateValidity())
        .check();

    server = SshServer.setUpDefaultServer();
    server.setHost(listen.host());
    server.setPort(listen.port());
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    // publickey takes only our CA's certificates (portcullis ssh-cert); tokens still work as password.
    server.setUserAuthFactories(List.of(
        CertificateAuth.factory(certificates, targets::get, Clock.systemUTC()),
        UserAuthKeyboardInteractiveFactory.INSTANCE, UserAuthPasswordFactory.INSTANCE));
    server.setPasswordAuthenticator(auth);
    server.setKeyboardInteractiveAuthenticator(auth);
    server.setPublickeyAuthenticator(CertificateAuth.authenticator(certificates, Clock.systemUTC()));
    // Every attempt costs a token validation: a client gets a few tries (OpenSSH's own default is 6), not MINA's 20.
    CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, MAX_AUTH_ATTEMPTS);
    CoreModuleProperties.AUTH_TIMEOUT.set(server, limits.authTimeout());
    CoreModuleProperties.IDLE_TIMEOUT.set(server, limits.idleTimeout());
    server.addSessionListener(limiter);
    server.setSessionDisconnectHandler(limiter);
    server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    List<ChannelFactory> channels = new ArrayList<>();
    // One count per session across both kinds (LimitedChannels keeps it on the session).
    channels.add(new LimitedChannels(GatewayChannelSession.factory(services), limits.maxChannelsPerSession()));
    channels.add(new LimitedChannels(new LocalForward(services), limits.maxChannelsPerSession()));
    for (String type : RefusedChannelFactory.types()) {
      channels.add(new RefusedChannelFactory(type, "portcullis: " + type + " (port forwarding) is refused",
          (session, destination) -> refusedForward(session, destination)));
    }
    server.setChannelFactories(channels);
    server.setCommandFactory((channel, command) -> new BridgedCommand(services, SshChannelKind.EXEC, command));
    server.setShellFactory(channel -> new BridgedCommand(services, SshChannelKind.SHELL, null));
    List<SubsystemFactory> subsystems = new ArrayList<>();
    for (String name : SUBSYSTEMS) {
      subsystems.add(new SubsystemFactory() {
        @Override
        public String getName() {
          return name;
        }

        @Override
        public org.apache.sshd.server.command.Command createSubsystem(
            org.apache.sshd.server.channel.ChannelSession channel) {
          return new BridgedCommand(services, SshChannelKind.SUBSYSTEM, name);
        }
      });
    }
    server.setSubsystemFactories(subsystems);
    server.addSessionListener(new SessionListener() {
      @Override
      public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated && session instanceof ServerSession s) {
          authenticated(s);
        }
      }

      @Override
      public void sessionClosed(Session session) {
        AgentSession agent = session.getAttribute(AGENT);
        if (agent != null) {
          agent.close();
          agent.admitted().onSuccess(v -> events.ended(agent, "client terminated"));
        }
      }
    });
  }

  private void authenticated(ServerSession session) {
    TokenAuthenticator.Authenticated who = session.getAttribute(TokenAuthenticator.AUTHENTICATED);
    if (who == null) {
      session.close(true); // cannot happen: only the token authenticator lets anyone in
      return;
    }
    Future<Void> admitted = who.admitted() ? Future.succeededFuture() : admit(session, who);
    AgentSession agent = new AgentSession(who.identity(), who.target(), address(session.getClientAddress()),
        session.getClientVersion(), admitted);
    agent.connection(session);
    session.setAttribute(AGENT, agent);
    // Not admitted: every channel the client opens is refused with the reason, and the connection then closed.
    // (Disconnecting here would race MINA's own USERAUTH_SUCCESS on the wire: this event fires before it is sent.)
    admitted.onSuccess(v -> events.started(agent))
        .onFailure(e -> LOG.info("ssh: login of '{}' to '{}' not admitted: {}", who.identity().subject(),
            who.target().name(), e.getMessage()));
  }

  /**
   * A certificate login: admitted to the target and counted against its identity's session limit now, as a token
   * login was before it succeeded.
   */
  private Future<Void> admit(ServerSession session, TokenAuthenticator.Authenticated who) {
    Promise<Void> admitted = Promise.promise();
    onVertx.execute(() -> policy.admit(who.identity(), who.target().name()).compose(v -> {
      String overLimit = limiter.admit(session, who.identity().subject());
      return overLimit == null ? Future.<Void>succeededFuture()
          : Future.<Void>failedFuture(new SshRefusal(overLimit.replaceFirst("^portcullis: ", "")));
    }).onComplete(admitted));
    return admitted.future();
  }

  /** What an agent whose login was not admitted is told, without the "portcullis: refused: " prefix. */
  static String notAdmitted(Throwable e) {
    return e instanceof SshRefusal refused ? refused.getMessage() : "the login could not be admitted";
  }

  /** A forward the gateway refused: reported as a decided statement of the session. */
  private void refusedForward(Session session, String destination) {
    AgentSession agent = session.getAttribute(AGENT);
    if (agent != null) {
      SshChannelRequest request = new SshChannelRequest(agent.sessionId(), agent.identity(), agent.target().name(),
          SshChannelKind.PORT_FORWARD, destination);
      events.decided(agent, agent.nextStatementId(), request, SshVerdict.deny("port forwarding is refused"));
    }
  }

  static AgentSession agentOf(Session session) {
    return session.getAttribute(AGENT);
  }

  private static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getAddress().getHostAddress() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  /** Binds the listener (blocks briefly: call it off the event loop). */
  public void start() throws IOException {
    server.start();
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      // closing anyway
    } finally {
      connector.close();
    }
  }
}
