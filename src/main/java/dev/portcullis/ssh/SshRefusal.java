package dev.portcullis.ssh;

/** A login the gateway refuses on purpose; the message is shown to the agent as it is. */
public final class SshRefusal extends RuntimeException {
  public SshRefusal(String message) {
    super(message, null, false, false);
  }
}
