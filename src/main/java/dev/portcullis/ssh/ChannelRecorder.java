package dev.portcullis.ssh;

/**
 * What the SSH bridge tells the recording about one exec or shell channel: the bytes the target sent (stdout and
 * stderr), the bytes the agent typed or piped in, terminal size changes, and the end. Calls of one channel arrive
 * in the order they happened; implementations never block and never throw on odd input.
 */
public interface ChannelRecorder {
  void output(byte[] b, int off, int len);

  void input(byte[] b, int off, int len);

  void resized(int cols, int rows);

  void closed(Integer exitStatus, String exitSignal);
}
