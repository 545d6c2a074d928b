package dev.portcullis.ssh;

/**
 * Receives what passes through one bridged SSH channel, for recording (io.frame events). Called on MINA threads,
 * in stream order; implementations must not block.
 */
public interface ChannelRecorder {
  void output(byte[] b, int off, int len);

  void input(byte[] b, int off, int len);

  void resized(int cols, int rows);

  void closed(Integer exitStatus, String exitSignal);
}
