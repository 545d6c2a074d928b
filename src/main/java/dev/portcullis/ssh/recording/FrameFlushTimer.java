package dev.portcullis.ssh.recording;

import dev.portcullis.ssh.ChannelRecorder;
import io.vertx.core.Vertx;

/**
 * Drives a {@link FrameRecorder}'s time-based flush with a Vert.x periodic timer, so that a prompt or a lone
 * keystroke reaches the recording within {@link FrameRecorder.Limits#maxDelayMs} instead of waiting for more bytes.
 * The timer stops when the channel closes.
 */
public final class FrameFlushTimer implements ChannelRecorder {
  private final Vertx vertx;
  private final FrameRecorder recorder;
  private final long timerId;

  private FrameFlushTimer(Vertx vertx, FrameRecorder recorder, long periodMs) {
    this.vertx = vertx;
    this.recorder = recorder;
    this.timerId = vertx.setPeriodic(periodMs, id -> recorder.flushIfDue());
  }

  /** The recorder with its timer running; hand the result to the SSH bridge. */
  public static ChannelRecorder start(Vertx vertx, FrameRecorder recorder) {
    return new FrameFlushTimer(vertx, recorder, Math.max(1, recorder.limits().maxDelayMs()));
  }

  @Override
  public void output(byte[] b, int off, int len) {
    recorder.output(b, off, len);
  }

  @Override
  public void error(byte[] b, int off, int len) {
    recorder.error(b, off, len);
  }

  @Override
  public void input(byte[] b, int off, int len) {
    recorder.input(b, off, len);
  }

  @Override
  public void resized(int cols, int rows) {
    recorder.resized(cols, rows);
  }

  @Override
  public void closed(Integer exitStatus, String exitSignal) {
    vertx.cancelTimer(timerId);
    recorder.closed(exitStatus, exitSignal);
  }
}
