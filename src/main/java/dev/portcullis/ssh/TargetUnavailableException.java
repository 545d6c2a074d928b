package dev.portcullis.ssh;

/** The gateway could not open its own session to the target; the message is meant for the agent. */
public final class TargetUnavailableException extends RuntimeException {
  public TargetUnavailableException(String message) {
    super(message, null, false, false);
  }
}
