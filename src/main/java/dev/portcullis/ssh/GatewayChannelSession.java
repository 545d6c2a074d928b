package dev.portcullis.ssh;

import io.vertx.core.Future;
import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's "session" channel: MINA's, with {@code env} requests refused (an agent must not set variables such
 * as {@code LD_PRELOAD} or {@code BASH_ENV} for commands the policy judged without them), the PTY request
 * remembered, agent forwarding judged ({@code agent-forward}), and EOF and exit signals sendable by the bridge.
 */
final class GatewayChannelSession extends ChannelSession {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayChannelSession.class);

  static ChannelFactory factory(BridgeServices services) {
    return new ChannelFactory() {
      @Override
      public String getName() {
        return "session";
      }

      @Override
      public Channel createChannel(Session session) {
        return new GatewayChannelSession(services);
      }
    };
  }

  private final BridgeServices services;
  /** Whether the agent's SSH agent may be forwarded for this channel's command; false until a rule allowed it. */
  private volatile Future<Boolean> agentForwarding = Future.succeededFuture(false);

  GatewayChannelSession(BridgeServices services) {
    this.services = services;
  }

  private volatile boolean pty;

  @Override
  protected RequestHandler.Result handleEnvParsed(String name, String value) {
    return RequestHandler.Result.ReplyFailure;
  }

  @Override
  protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
      Map<PtyMode, Integer> modes) throws IOException {
    pty = true;
    return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
  }

  /**
   * {@code auth-agent-req@openssh.com} ({@code ssh -A}): judged as {@code agent-forward}. The answer comes later
   * (the policy is asked over the bus), so the reply, when one is wanted, is sent from here; the bridge waits for
   * {@link #agentForwarding()} before it opens the target's channel, which then asks the target for the same.
   */
  @Override
  protected RequestHandler.Result handleAgentForwarding(String requestType, Buffer buffer, boolean wantReply) {
    AgentSession agent = SshGatewayServer.agentOf(getSession());
    if (agent == null) {
      return RequestHandler.Result.ReplyFailure;
    }
    String statementId = agent.nextStatementId();
    long started = System.nanoTime();
    SshChannelRequest request = new SshChannelRequest(agent.sessionId(), agent.identity(), agent.target().name(),
        SshChannelKind.AGENT_FORWARD, null);
    // Judged once the login is admitted; a review rule refuses it (there is no exact request to approve).
    Future<SshVerdict> judged = agent.admitted().compose(v -> services.policy().judge(request));
    agentForwarding = judged.transform(answer -> {
      SshVerdict verdict = answer.succeeded() && answer.result() != null ? answer.result()
          : SshVerdict.deny("the policy could not be asked");
      services.events().decided(agent, statementId, request, verdict);
      boolean allowed = verdict instanceof SshVerdict.Allow;
      LOG.debug("ssh: {} agent forwarding {}", statementId, allowed ? "allowed" : "refused");
      if (allowed) {
        agent.allowAgentForwarding();
        // The statement lasts as long as the channel whose command may use the agent.
        addCloseFutureListener(closed -> services.events().completed(agent, statementId, null, null, null,
            (System.nanoTime() - started) / 1_000_000));
      }
      if (wantReply) {
        reply(allowed);
      }
      return Future.succeededFuture(allowed);
    });
    return RequestHandler.Result.Replied;
  }

  /**
   * {@code x11-req} ({@code ssh -X}/{@code -Y}): refused whatever the rules say (the gateway has no X11 relay), but
   * reported as a decided {@code x11} statement so the attempt is in the session's audit trail.
   */
  @Override
  protected RequestHandler.Result handleX11Forwarding(String requestType, Buffer buffer, boolean wantReply) {
    AgentSession agent = SshGatewayServer.agentOf(getSession());
    if (agent != null) {
      services.events().decided(agent, agent.nextStatementId(), new SshChannelRequest(agent.sessionId(),
          agent.identity(), agent.target().name(), SshChannelKind.X11, null),
          SshVerdict.deny("X11 forwarding is not available through the gateway"));
    }
    return RequestHandler.Result.ReplyFailure;
  }

  private void reply(boolean success) {
    try {
      Buffer answer = getSession().createBuffer(success ? SshConstants.SSH_MSG_CHANNEL_SUCCESS
          : SshConstants.SSH_MSG_CHANNEL_FAILURE, Integer.BYTES);
      answer.putUInt(getRecipient());
      writePacket(answer);
    } catch (IOException | RuntimeException e) {
      LOG.debug("ssh: agent forwarding reply not sent: {}", e.toString());
    }
  }

  /** Completes (never fails) once agent forwarding was judged: true when a rule allowed it for this channel. */
  Future<Boolean> agentForwarding() {
    return agentForwarding;
  }

  /** Whether the agent asked for a terminal before its shell or exec request. */
  boolean ptyRequested() {
    return pty;
  }

  /** RFC 4254 §6.10 "exit-signal", for a target process that a signal ended. */
  void sendExitSignal(String signal, boolean coreDumped, String message) throws IOException {
    Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
    buffer.putUInt(getRecipient());
    buffer.putString("exit-signal");
    buffer.putBoolean(false);
    buffer.putString(signal);
    buffer.putBoolean(coreDumped);
    buffer.putString(message == null ? "" : message);
    buffer.putString("");
    writePacket(buffer);
  }
}
