package dev.portcullis.ssh;

/** The policy's answer for one {@link SshChannelRequest}. */
public sealed interface SshVerdict {
  SshVerdict ALLOW = new Allow();

  record Allow() implements SshVerdict {}

  /** @param reason shown to the agent and published in {@code statement.decided} */
  record Deny(String reason) implements SshVerdict {}

  static SshVerdict deny(String reason) {
    return new Deny(reason);
  }
}
