package dev.portcullis.ssh;

/** Opens the {@link ChannelRecorder} of each bridged channel; the recording side implements it. */
@FunctionalInterface
public interface ChannelRecorders {
  /**
   * @param statementId the channel's statement id ({@code "<sessionId>/<n>"}), as in its statement events
   * @param pty         whether the agent asked for a terminal (then {@code cols}/{@code rows} are its size)
   */
  ChannelRecorder open(AgentSession session, String statementId, boolean pty, int cols, int rows);

  /** Records nothing. */
  ChannelRecorders NONE = (session, statementId, pty, cols, rows) -> new ChannelRecorder() {
    @Override
    public void output(byte[] b, int off, int len) {}

    @Override
    public void input(byte[] b, int off, int len) {}

    @Override
    public void resized(int cols, int rows) {}

    @Override
    public void closed(Integer exitStatus, String exitSignal) {}
  };
}
