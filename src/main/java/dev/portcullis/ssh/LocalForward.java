package dev.portcullis.ssh;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@code direct-tcpip} channels ({@code ssh -L}, {@code -W}, {@code -D}): each destination is judged as
 * {@code port-forward} with detail {@code host:port} ({@link ForwardDestination}), and when a rule allows it, opened
 * as a {@code direct-tcpip} channel on the gateway's session to the target — so the connection starts from the
 * target, as through a jump host — and relayed ({@link RelayChannel}). Refused: the open fails with
 * "administratively prohibited" and the reason.
 */
final class LocalForward implements ChannelFactory {
  private static final Logger LOG = LoggerFactory.getLogger(LocalForward.class);
  static final String TYPE = "direct-tcpip";
  /** The originator the target is told of: the gateway itself, not the agent's machine. */
  private static final SshdSocketAddress ORIGINATOR = new SshdSocketAddress("127.0.0.1", 0);

  private final BridgeServices services;

  LocalForward(BridgeServices services) {
    this.services = services;
  }

  @Override
  public String getName() {
    return TYPE;
  }

  @Override
  public Channel createChannel(Session session) {
    return new RelayChannel(TYPE, this::open);
  }

  private Future<RelayChannel.Far> open(RelayChannel near, Buffer request) {
    String host = request.getString();
    long port = request.getUInt();
    AgentSession agent = SshGatewayServer.agentOf(near.getSession());
    if (agent == null) {
      return refused(near, "not authenticated");
    }
    String statementId = agent.nextStatementId();
    long started = System.nanoTime();
    ForwardDestination destination;
    try {
      destination = ForwardDestination.parse(host, port);
    } catch (IllegalArgumentException e) {
      SshChannelRequest asked = request(agent, ForwardDestination.shown(host) + ":" + port);
      SshVerdict verdict = SshVerdict.deny(e.getMessage());
      services.events().decided(agent, statementId, asked, verdict);
      return refused(near, e.getMessage());
    }
    SshChannelRequest asked = request(agent, destination.detail());
    // Nothing is judged before the login is admitted (a certificate login is admitted just after authentication).
    Future<SshVerdict> judged = agent.admitted()
        .transform(admitted -> admitted.succeeded() ? services.policy().judge(asked)
            : Future.succeededFuture(SshVerdict.deny(SshGatewayServer.notAdmitted(admitted.cause()))));
    return judged.recover(e -> Future.succeededFuture(SshVerdict.deny("the policy could not be asked")))
        .compose(verdict -> {
          SshVerdict v = verdict == null ? SshVerdict.deny("the policy could not be asked") : verdict;
          services.events().decided(agent, statementId, asked, v);
          LOG.debug("ssh: {} forward {} decided {}", statementId, destination.detail(), v);
          if (v instanceof SshVerdict.Deny deny) {
            return refused(near, deny.reason());
          }
          if (v instanceof SshVerdict.Review review) {
            // A forward carries bytes nobody sees in advance, so there is no exact thing to approve: refused.
            return refused(near, review.review().clientMessage().substring("portcullis: ".length())
                + " (forwards cannot wait for approval, so it is refused)");
          }
          return agent.upstream(() -> services.connector().connect(agent.target()))
              .compose(upstream -> openUpstream(near, upstream, destination))
              .map(up -> new RelayChannel.Far(up, (fromAgent, toAgent, error) -> {
                LOG.debug("ssh: {} forward {} ended: {} bytes in, {} bytes out", statementId,
                    destination.detail(), fromAgent, toAgent);
                services.events().completed(agent, statementId, null, null, error, millisSince(started));
              }))
              .recover(e -> {
                String why = e instanceof TargetUnavailableException ? e.getMessage()
                    : "target '" + agent.target().name() + "' could not open " + destination.detail() + ": "
                        + e.getMessage();
                services.events().completed(agent, statementId, null, null, why, millisSince(started));
                return Future.failedFuture(new SshChannelOpenException(near.getChannelId(),
                    SshConstants.SSH_OPEN_CONNECT_FAILED, "portcullis: " + why, e));
              });
        });
  }

  /** A {@code direct-tcpip} channel on the target's session; the target connects when it opens. */
  private static Future<UpstreamTcpip> openUpstream(RelayChannel near, ClientSession session,
      ForwardDestination destination) {
    Promise<UpstreamTcpip> opened = Promise.promise();
    try {
      UpstreamTcpip up = new UpstreamTcpip(ORIGINATOR, new SshdSocketAddress(destination.host(),
          destination.port()));
      session.getService(ConnectionService.class).registerChannel(up);
      up.setStreaming(StreamingChannel.Streaming.Async);
      if (near.isClosing()) {
        up.close(true);
        return Future.failedFuture(new IOException("the agent closed the channel"));
      }
      up.open().addListener(f -> {
        if (f.isOpened()) {
          opened.complete(up);
        } else {
          up.close(true);
          Throwable e = f.getException();
          opened.fail(new IOException(e == null ? "refused" : e.getMessage(), e));
        }
      });
    } catch (IOException | RuntimeException e) {
      opened.tryFail(e);
    }
    return opened.future();
  }

  private static SshChannelRequest request(AgentSession agent, String detail) {
    return new SshChannelRequest(agent.sessionId(), agent.identity(), agent.target().name(),
        SshChannelKind.PORT_FORWARD, detail);
  }

  private static <T> Future<T> refused(RelayChannel near, String reason) {
    return Future.failedFuture(new SshChannelOpenException(near.getChannelId(),
        SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "portcullis: refused: " + reason));
  }

  private static long millisSince(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** MINA's client channel, which hears EOF only at close: here EOF ends the target's output stream at once. */
  static final class UpstreamTcpip extends ChannelDirectTcpip {
    UpstreamTcpip(SshdSocketAddress local, SshdSocketAddress remote) {
      super(local, remote);
    }

    @Override
    public void handleEof() throws IOException {
      super.handleEof();
      if (asyncOut != null) {
        asyncOut.close(false);
      }
    }
  }
}
