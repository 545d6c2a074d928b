package dev.portcullis.ssh;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code listen.ssh.maxChannelsPerSession}: a channel factory that opens at most that many channels of its type at
 * once per session and refuses the next with reason "resource shortage" (RFC 4254 §5.1); the session and its other
 * channels carry on. MINA's own {@code max-concurrent-channels} throws inside the connection service instead, which
 * closes the whole session and every channel the agent had open. MINA 2.20 sends its own description with a
 * refused open ("Generic error while opening channel"), so the reason code is what the agent sees; the gateway
 * logs the limit.
 */
final class LimitedChannels implements ChannelFactory {
  private static final Logger LOG = LoggerFactory.getLogger(LimitedChannels.class);
  private static final AttributeKey<AtomicInteger> OPEN = new AttributeKey<>();

  private final ChannelFactory delegate;
  private final int max;
  private final RefusedChannelFactory refusal;

  LimitedChannels(ChannelFactory delegate, int max) {
    this.delegate = delegate;
    this.max = max;
    this.refusal = new RefusedChannelFactory(delegate.getName(), SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
        "portcullis: at most " + max + " channels may be open at once in one session"
            + " (listen.ssh.maxChannelsPerSession); close one, or open another connection", (session, what) -> {});
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public Channel createChannel(Session session) throws java.io.IOException {
    AtomicInteger open = session.computeAttributeIfAbsent(OPEN, k -> new AtomicInteger());
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      LOG.warn("ssh: refused a channel of {}: {} open (listen.ssh.maxChannelsPerSession)", session.getUsername(), max);
      return refusal.createChannel(session);
    }
    Channel channel;
    try {
      channel = delegate.createChannel(session);
    } catch (java.io.IOException | RuntimeException e) {
      open.decrementAndGet();
      throw e;
    }
    // Closed however it ends (the agent, the target, a failed open, the session going): the slot is free again.
    channel.addCloseFutureListener(closed -> open.decrementAndGet());
    return channel;
  }
}
