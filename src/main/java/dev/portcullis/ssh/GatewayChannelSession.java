package dev.portcullis.ssh;

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

/**
 * The agent's "session" channel: MINA's, with {@code env} requests refused (an agent must not set variables such
 * as {@code LD_PRELOAD} or {@code BASH_ENV} for commands the policy judged without them), the PTY request
 * remembered, and EOF and exit signals sendable by the bridge.
 */
final class GatewayChannelSession extends ChannelSession {
  static final ChannelFactory FACTORY = new ChannelFactory() {
    @Override
    public String getName() {
      return "session";
    }

    @Override
    public Channel createChannel(Session session) {
      return new GatewayChannelSession();
    }
  };

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
