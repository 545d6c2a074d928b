package dev.portcullis.ssh;

import dev.portcullis.identity.Identity;

/**
 * One request the policy judges; the same fields as the contract's {@code dev.portcullis.policy.SshRequest}.
 *
 * @param detail the exec command line, the subsystem name, or {@code "host:port"} of a forward; {@code null} for
 *               shell, agent and X11 forwarding
 */
public record SshChannelRequest(String sessionId, Identity identity, String target, SshChannelKind kind,
    String detail) {

  /** The statement text of events: the command line, {@code "shell"}, {@code "subsystem sftp"}, {@code "forward h:p"}. */
  public String text() {
    return switch (kind) {
      case EXEC -> detail;
      case SHELL -> "shell";
      case SUBSYSTEM -> "subsystem " + detail;
      case PORT_FORWARD -> "forward " + detail;
      case AGENT_FORWARD -> "agent-forward";
      case X11 -> "x11";
    };
  }
}
