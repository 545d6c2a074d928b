package dev.portcullis.ssh;

import io.vertx.core.Future;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelAsyncInputStream;
import org.apache.sshd.common.channel.ChannelAsyncOutputStream;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CloseFuture;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel a peer opened ("near") that the gateway carries over a channel it opens itself on its other session
 * ("far"): a {@code direct-tcpip} of the agent becomes one on the target's session, an {@code auth-agent} channel of
 * the target becomes one on the agent's session.
 *
 * <p>The open is confirmed only once the {@link Opener} has asked the policy and opened the far channel (MINA sends
 * the confirmation or failure when the returned {@link OpenFuture} completes, so nothing blocks meanwhile). Then two
 * {@link StreamPump}s copy bytes with back-pressure: each side's window re-opens only as the other side accepted
 * the bytes. EOF is passed on after the bytes before it, and the near channel closes once the far one closed and
 * everything it sent was written.
 */
final class RelayChannel extends AbstractServerChannel {
  private static final Logger LOG = LoggerFactory.getLogger(RelayChannel.class);

  /** Opens the far channel for one open request (and decides whether to at all). */
  @FunctionalInterface
  interface Opener {
    /**
     * Reads the open request from {@code request} before returning (the buffer is reused afterwards).
     *
     * @return the far channel, opened with async streams; a failure with an {@link SshChannelOpenException}
     *         refuses the open with its reason code and message
     */
    Future<Far> open(RelayChannel near, Buffer request);
  }

  /** @param ended told once, when the relay is over: bytes from the near peer, bytes to it, and an error or null */
  record Far(ClientChannel channel, Ended ended) {}

  @FunctionalInterface
  interface Ended {
    void ended(long fromNear, long toNear, String error);
  }

  private final Opener opener;
  private ChannelAsyncInputStream in;
  private ChannelAsyncOutputStream out;
  private volatile Far far;
  private final AtomicLong fromNear = new AtomicLong();
  private final AtomicLong toNear = new AtomicLong();
  private final AtomicBoolean nearOutputDone = new AtomicBoolean();
  private final AtomicBoolean farClosed = new AtomicBoolean();
  private final AtomicBoolean reported = new AtomicBoolean();

  RelayChannel(String type, Opener opener) {
    super(type, List.of(), null);
    this.opener = opener;
  }

  @Override
  protected OpenFuture doInit(Buffer buffer) {
    DefaultOpenFuture opened = new DefaultOpenFuture(this, futureLock);
    in = new ChannelAsyncInputStream(this);
    out = new ChannelAsyncOutputStream(this, SshConstants.SSH_MSG_CHANNEL_DATA) {
      /** Flushes what was written, then sends EOF: the far side's end of output, passed on. */
      @Override
      protected CloseFuture doCloseGracefully() {
        DefaultCloseFuture done = new DefaultCloseFuture(getChannelId(), futureLock);
        super.doCloseGracefully().addListener(flushed -> {
          try {
            IoWriteFuture eof = sendEof();
            if (eof != null) {
              eof.addListener(sent -> done.setClosed());
              return;
            }
          } catch (IOException | RuntimeException e) {
            LOG.debug("relay: EOF not sent: {}", e.toString());
          }
          done.setClosed();
        });
        return done;
      }
    };
    Future<Far> farOpen;
    try {
      farOpen = opener.open(this, buffer);
    } catch (RuntimeException e) {
      farOpen = Future.failedFuture(e);
    }
    farOpen.onComplete(result -> {
      LOG.debug("relay: {} far side {}", this, result.succeeded() ? "opened" : result.cause());
      if (result.failed()) {
        Throwable e = result.cause();
        int reason = e instanceof SshChannelOpenException refused ? refused.getReasonCode()
            : SshConstants.SSH_OPEN_CONNECT_FAILED;
        String message = e instanceof SshChannelOpenException ? e.getMessage() : "portcullis: " + e.getMessage();
        refuse(opened, reason, message);
        return;
      }
      far = result.result();
      ClientChannel up = far.channel();
      up.addCloseFutureListener(closed -> {
        farClosed.set(true);
        closeWhenDone();
      });
      if (isClosing()) { // the peer went away while the policy or the far open ran
        up.close(true);
        report("the channel closed before it opened");
        return;
      }
      addCloseFutureListener(closed -> {
        up.close(false);
        report(null);
      });
      // The listeners send the confirmation (MINA's connection service listens for this, not for the future).
      signalChannelOpenSuccess();
      opened.setOpened();
      new StreamPump(in, up.getAsyncIn(), (b, off, len) -> fromNear.addAndGet(len),
          () -> up.getAsyncIn().close(false)).start();
      new StreamPump(up.getAsyncOut(), out, (b, off, len) -> toNear.addAndGet(len),
          () -> out.close(false).addListener(f -> {
            nearOutputDone.set(true);
            closeWhenDone();
          })).start();
    });
    return opened;
  }

  /**
   * MINA answers a failed open future with its own "Generic error while opening channel" and drops the message; the
   * agent should read why. So the failure is sent here, and the future stays pending (nothing else waits on it)
   * while the channel, never confirmed, is dropped without a CLOSE.
   */
  private void refuse(DefaultOpenFuture opened, int reason, String message) {
    try {
      Buffer failure = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE, message.length() + 64);
      failure.putUInt(getRecipient());
      failure.putUInt(reason);
      failure.putString(message);
      failure.putString(""); // language tag
      getSession().writePacket(failure);
    } catch (IOException | RuntimeException e) {
      opened.setException(new SshChannelOpenException(getChannelId(), reason, message, e));
    }
    close(true);
  }

  private void closeWhenDone() {
    if (nearOutputDone.get() && farClosed.get()) {
      close(false);
    }
  }

  private void report(String error) {
    Far f = far;
    if (f != null && reported.compareAndSet(false, true)) {
      f.ended().ended(fromNear.get(), toNear.get(), error);
    }
  }

  /** Bytes from the peer, queued until the pump reads them; the window re-opens only as they are read. */
  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    if (!isClosing()) {
      in.write(new ByteArrayBuffer(data, off, (int) len));
    }
  }

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
    throw new IOException("a relayed channel carries no extended data");
  }

  /** The peer's EOF: the pump passes it on after the bytes already queued. */
  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    in.close(false);
  }

  @Override
  public void handleWindowAdjust(Buffer buffer) throws IOException {
    super.handleWindowAdjust(buffer);
    out.onWindowExpanded();
  }

  /** Writes (the last data, EOF) must still go out while the channel closes gracefully. */
  @Override
  protected boolean mayWrite() {
    return !isClosed();
  }

  @Override
  protected Closeable getInnerCloseable() {
    if (in == null) { // closed before it was initialised
      return super.getInnerCloseable();
    }
    return builder().close(out).close(in).close(super.getInnerCloseable()).build();
  }
}
