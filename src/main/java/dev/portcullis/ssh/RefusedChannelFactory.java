package dev.portcullis.ssh;

import java.util.List;
import java.util.function.BiConsumer;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;

/**
 * A channel type the gateway refuses whatever the rules say ({@code direct-streamlocal@openssh.com} for Unix
 * sockets, {@code tun@openssh.com}; {@code direct-tcpip} is judged by {@link LocalForward}): the open fails with
 * "administratively prohibited" and a message the client prints, and the refusal is reported (so it appears in the
 * session's audit trail).
 */
final class RefusedChannelFactory implements ChannelFactory {
  private final String type;
  private final int reason;
  private final String message;
  private final BiConsumer<Session, String> refused;

  /** @param refused told of each refusal with the session and the destination (null: these types have none) */
  RefusedChannelFactory(String type, String message, BiConsumer<Session, String> refused) {
    this(type, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, message, refused);
  }

  /** @param reason the RFC 4254 §5.1 reason code, e.g. {@code SSH_OPEN_RESOURCE_SHORTAGE} */
  RefusedChannelFactory(String type, int reason, String message, BiConsumer<Session, String> refused) {
    this.type = type;
    this.reason = reason;
    this.message = message;
    this.refused = refused;
  }

  static List<String> types() {
    return List.of("direct-streamlocal@openssh.com", "tun@openssh.com");
  }

  @Override
  public String getName() {
    return type;
  }

  @Override
  public Channel createChannel(Session session) {
    return new AbstractServerChannel(type, List.of(), null) {
      @Override
      protected OpenFuture doInit(Buffer buffer) {
        refused.accept(session, null);
        DefaultOpenFuture future = new DefaultOpenFuture(this, futureLock);
        future.setException(new SshChannelOpenException(getChannelId(), reason, message));
        return future;
      }

      @Override
      protected void doWriteData(byte[] data, int off, long len) {}

      @Override
      protected void doWriteExtendedData(byte[] data, int off, long len) {}
    };
  }
}
