package dev.portcullis.ssh;

/**
 * Receives what passes through one bridged SSH channel, for recording (io.frame events). Called on MINA threads,
 * in stream order; implementations must not block.
 */
public interface ChannelRecorder {
  /** What the target sent on stdout (with a terminal: stdout and stderr, merged by the target's terminal). */
  void output(byte[] b, int off, int len);

  /** What the target sent on stderr; recorders that do not tell the streams apart take it as output. */
  default void error(byte[] b, int off, int len) {
    output(b, off, len);
  }

  void input(byte[] b, int off, int len);

  void resized(int cols, int rows);

  void closed(Integer exitStatus, String exitSignal);
}
