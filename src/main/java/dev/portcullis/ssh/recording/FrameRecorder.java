package dev.portcullis.ssh.recording;

import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.ssh.ChannelRecorder;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Records one SSH channel as {@code io.frame} events. Plain and clock-driven, so it is tested without Vert.x;
 * {@link FrameFlushTimer} adds the timer. The channel's {@code statement.completed} is not published here: the SSH
 * termination reports it (with any error of its own) through {@code SessionEvents.exited}.
 *
 * <p>Small writes are coalesced: a frame is published when it holds {@link Limits#maxFrameBytes} bytes, when
 * another stream writes (so output, errors, input and resizes stay in the order they happened), when
 * {@link #flushIfDue} finds it older than {@link Limits#maxDelayMs}, and on close. A large write is cut into frames as it is read, so
 * memory stays at one frame per channel whatever the output size. Bytes become UTF-8 text per stream, never split
 * inside a character; invalid bytes become U+FFFD. Input is recorded exactly as typed, passwords and other secrets
 * included: an agent's keystrokes are evidence, not something the gateway can tell apart.
 *
 * <p>Thread-safe: MINA calls output and input from its own threads and the timer from an event loop, so every
 * method takes the recorder's lock, and frames are published under it in {@code seq} order. The publisher must
 * keep the order of calls made from different threads (for the gateway: {@code BusEventPublisher.unbatched},
 * not the per-event-loop batching one); replay also orders a channel's frames by {@code seq}.
 */
public final class FrameRecorder implements ChannelRecorder {
  /**
   * @param maxFrameBytes   bytes that make a frame full; its text holds at most 3 more (the end of a character the
   *                        previous frame began)
   * @param maxDelayMs      how long a frame may wait for more bytes, for {@link #flushIfDue}
   * @param maxChannelBytes what a channel's output and input may cost in recording, a control byte counting 6 (as
   *                        JSON escapes it); past it a marker frame says so and the rest of the channel (which
   *                        goes on) is not recorded. A terminal session stays far below; a bulk copy would
   *                        otherwise put several times its size into the audit trail
   */
  public record Limits(int maxFrameBytes, long maxDelayMs, long maxChannelBytes) {
    public static final Limits DEFAULT = new Limits(16 * 1024, 50, 64L * 1024 * 1024);

    public Limits {
      if (maxFrameBytes < 1 || maxDelayMs < 0 || maxChannelBytes < 1) {
        throw new IllegalArgumentException(
            "maxFrameBytes and maxChannelBytes must be positive and maxDelayMs not negative");
      }
    }

    public Limits(int maxFrameBytes, long maxDelayMs) {
      this(maxFrameBytes, maxDelayMs, DEFAULT.maxChannelBytes());
    }
  }

  private final EventPublisher publisher;
  private final SessionInfo session;
  private final String statementId;
  private final LongSupplier nanoTime;
  private final Limits limits;
  private final long openedNanos;
  private final Utf8Text outputText = new Utf8Text();
  private final Utf8Text errorText = new Utf8Text();
  private final Utf8Text inputText = new Utf8Text();

  /** The frame being filled: its stream ({@code null} when none), text, byte count and start. */
  private String pendingStream;
  private final StringBuilder pending = new StringBuilder();
  private int pendingBytes;
  private long pendingSinceMs;
  private long seq;
  private long recordedBytes;
  private boolean stopped;
  private boolean closed;

  /**
   * @param statementId the channel's statement, as in its {@code statement.decided}
   * @param nanoTime    a monotonic clock ({@code System::nanoTime}); the channel opens now
   */
  public FrameRecorder(EventPublisher publisher, SessionInfo session, String statementId, LongSupplier nanoTime,
      Limits limits) {
    this.publisher = publisher;
    this.session = session;
    this.statementId = statementId;
    this.nanoTime = nanoTime;
    this.limits = limits;
    this.openedNanos = nanoTime.getAsLong();
  }

  /** A recorder with {@link Limits#DEFAULT} on {@link System#nanoTime}, for a channel without a terminal. */
  public static FrameRecorder open(EventPublisher publisher, SessionInfo session, String statementId) {
    return new FrameRecorder(publisher, session, statementId, System::nanoTime, Limits.DEFAULT);
  }

  /**
   * A recorder as the SSH termination opens one per bridged channel ({@code ChannelRecorders.open}): with a
   * terminal ({@code pty}), its size is recorded first, as a resize at offset 0 (the cast's width and height).
   */
  public static FrameRecorder open(EventPublisher publisher, SessionInfo session, String statementId, boolean pty,
      int cols, int rows) {
    FrameRecorder recorder = open(publisher, session, statementId);
    if (pty) {
      recorder.resized(cols, rows);
    }
    return recorder;
  }

  public String statementId() {
    return statementId;
  }

  public Limits limits() {
    return limits;
  }

  @Override
  public synchronized void output(byte[] b, int off, int len) {
    write(SessionEvents.OUTPUT, outputText, b, off, len);
  }

  /** The target's stderr, as frames of its own stream ({@code "e"}), decoded apart from stdout. */
  @Override
  public synchronized void error(byte[] b, int off, int len) {
    write(SessionEvents.ERROR, errorText, b, off, len);
  }

  @Override
  public synchronized void input(byte[] b, int off, int len) {
    write(SessionEvents.INPUT, inputText, b, off, len);
  }

  private void write(String stream, Utf8Text text, byte[] b, int off, int len) {
    if (closed || stopped || len <= 0 || b == null || off < 0 || off > b.length - len) {
      return; // after close, late bytes have no channel to belong to; bad bounds are the caller's bug, not ours
    }
    len = withinBudget(b, off, len);
    if (pendingStream != null && !pendingStream.equals(stream)) {
      publishPending();
    }
    long now = offsetMs();
    while (len > 0) {
      if (pendingStream == null) {
        pendingStream = stream;
        pendingSinceMs = now;
      }
      int take = Math.min(len, limits.maxFrameBytes() - pendingBytes);
      text.decode(b, off, take, pending);
      pendingBytes += take;
      off += take;
      len -= take;
      if (pendingBytes >= limits.maxFrameBytes()) {
        publishPending();
      }
    }
    if (stopped) {
      stopRecording();
    }
  }

  /**
   * How many of these bytes the channel's budget still covers (setting {@link #stopped} when not all). A control
   * byte counts 6, as JSON writes it ({@code \u0000}): the budget bounds what the recording costs downstream.
   */
  private int withinBudget(byte[] b, int off, int len) {
    for (int i = 0; i < len; i++) {
      int c = b[off + i] & 0xFF;
      int cost = c < 0x20 && c != '\n' && c != '\r' && c != '\t' ? 6 : 1;
      if (recordedBytes + cost > limits.maxChannelBytes()) {
        stopped = true;
        return i;
      }
      recordedBytes += cost;
    }
    return len;
  }

  /** The channel's budget is spent: what is recorded so far goes out, then a marker saying the rest is not. */
  private void stopRecording() {
    finishStream(SessionEvents.OUTPUT, outputText);
    finishStream(SessionEvents.ERROR, errorText);
    finishStream(SessionEvents.INPUT, inputText);
    publishPending();
    publisher.publish(SessionEvents.frame(session, statementId, seq++, SessionEvents.MARKER,
        "portcullis: recording stopped: this channel's recording reached its budget of " + limits.maxChannelBytes()
            + " bytes; the channel went on unrecorded", offsetMs()));
  }

  @Override
  public synchronized void resized(int cols, int rows) {
    if (closed) {
      return;
    }
    publishPending();
    publisher.publish(SessionEvents.resize(session, statementId, seq++, Math.max(0, cols), Math.max(0, rows),
        offsetMs()));
  }

  /** Publishes the pending frame if it has waited {@link Limits#maxDelayMs} or more; for the caller's timer. */
  public synchronized void flushIfDue() {
    if (pendingStream != null && offsetMs() - pendingSinceMs >= limits.maxDelayMs()) {
      publishPending();
    }
  }

  /** Publishes the pending frame now, if any. */
  public synchronized void flush() {
    publishPending();
  }

  /**
   * Publishes what is pending (an unfinished character of either stream as U+FFFD); later calls do nothing. The
   * exit status and signal belong to {@code statement.completed}, which the caller publishes.
   */
  @Override
  public synchronized void closed(Integer exitStatus, String exitSignal) {
    if (closed) {
      return;
    }
    finishStream(SessionEvents.OUTPUT, outputText);
    finishStream(SessionEvents.ERROR, errorText);
    finishStream(SessionEvents.INPUT, inputText);
    publishPending();
    closed = true;
  }

  private void finishStream(String stream, Utf8Text text) {
    if (!text.holding()) {
      return;
    }
    if (pendingStream != null && !pendingStream.equals(stream)) {
      publishPending();
    }
    if (pendingStream == null) {
      pendingStream = stream;
      pendingSinceMs = offsetMs();
    }
    text.finish(pending);
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  private void publishPending() {
    if (pendingStream == null) {
      return;
    }
    String stream = pendingStream;
    String data = pending.toString();
    long at = pendingSinceMs;
    pendingStream = null;
    pending.setLength(0);
    pendingBytes = 0;
    if (!data.isEmpty()) { // bytes held back as an unfinished character make no text yet
      SessionEvent frame = SessionEvents.frame(session, statementId, seq, stream, data, at);
      seq++;
      publisher.publish(frame);
    }
  }

  private long offsetMs() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - openedNanos));
  }
}
