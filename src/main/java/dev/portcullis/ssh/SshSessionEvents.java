package dev.portcullis.ssh;

/**
 * The session facts the SSH termination reports; {@link PublishedSshSessionEvents} turns them into session events.
 * Terminal bytes are not reported here: they go to the {@link ChannelRecorder}.
 */
public interface SshSessionEvents {
  /** The agent authenticated and named a known target. */
  void started(AgentSession session);

  /** The policy answered for one channel (or a refused request such as a port forward). */
  void decided(AgentSession session, String statementId, SshChannelRequest request, SshVerdict verdict);

  /**
   * A channel that ran on the target ended.
   *
   * @param exitStatus the target's exit status, or {@code null} (killed by a signal, or the connection was lost)
   * @param exitSignal the signal name without {@code SIG} ({@code "KILL"}), or {@code null}
   * @param error      why the gateway ended it itself (target unreachable, connection lost), or {@code null}
   */
  void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal, String error,
      long durationMs);

  void ended(AgentSession session, String reason);

  SshSessionEvents NONE = new SshSessionEvents() {
    @Override
    public void started(AgentSession session) {}

    @Override
    public void decided(AgentSession session, String statementId, SshChannelRequest request, SshVerdict verdict) {}

    @Override
    public void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal,
        String error, long durationMs) {}

    @Override
    public void ended(AgentSession session, String reason) {}
  };
}
