package dev.portcullis.ssh;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import org.apache.sshd.client.channel.AsyncCapableClientChannel;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's {@code auth-agent@openssh.com} channels (a program on the target, such as {@code ssh-add -l} or
 * {@code git} over SSH, talking to the agent's forwarded SSH agent): each is carried to a channel of the same type
 * that the gateway opens on the agent's own connection ({@link RelayChannel}). Only after a rule allowed
 * {@code agent-forward} on that connection ({@link GatewayChannelSession}); otherwise refused, and then the
 * gateway never asked the target for agent forwarding in the first place.
 *
 * <p>The agent's keys never pass through the gateway: only signing requests and their answers, as with any
 * forwarded agent, and the agent's own client decides whether to answer (OpenSSH only does with {@code -A}).
 */
final class AgentForward implements ChannelFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AgentForward.class);
  static final String TYPE = "auth-agent@openssh.com";
  static final AgentForward INSTANCE = new AgentForward();

  private AgentForward() {}

  @Override
  public String getName() {
    return TYPE;
  }

  @Override
  public Channel createChannel(Session targetSession) {
    return new RelayChannel(TYPE, AgentForward::open);
  }

  private static Future<RelayChannel.Far> open(RelayChannel near, Buffer request) {
    AgentSession agent = AgentSession.ofUpstream(near.getSession());
    Session connection = agent == null ? null : agent.connection();
    if (connection == null || !agent.agentForwardingAllowed()) {
      return Future.failedFuture(new SshChannelOpenException(near.getChannelId(),
          SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "portcullis: agent forwarding is not allowed"));
    }
    Promise<RelayChannel.Far> opened = Promise.promise();
    try {
      ToAgent ch = new ToAgent();
      connection.getService(ConnectionService.class).registerChannel(ch);
      ch.setStreaming(StreamingChannel.Streaming.Async);
      ch.open().addListener(f -> {
        if (f.isOpened()) {
          opened.complete(new RelayChannel.Far(ch, (fromTarget, toTarget, error) -> LOG.debug(
              "ssh: {} agent channel ended: {} bytes of requests, {} bytes of answers", agent.sessionId(),
              fromTarget, toTarget)));
        } else {
          ch.close(true);
          opened.fail(new SshChannelOpenException(near.getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED,
              "portcullis: the agent's client refused the agent channel", f.getException()));
        }
      });
    } catch (IOException | RuntimeException e) {
      opened.tryFail(e);
    }
    return opened.future();
  }

  /** The gateway's agent channel to the agent's client; EOF ends its output at once (see LocalForward). */
  static final class ToAgent extends AsyncCapableClientChannel {
    ToAgent() {
      super(TYPE, false);
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
