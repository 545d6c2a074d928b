package dev.portcullis.policy;

import java.util.Locale;

/**
 * What an SSH client asks of a target, and the kind an SSH rule lists in {@code statements:} (YAML name: lower
 * case, {@code _} as {@code -}: {@code exec}, {@code shell}, {@code subsystem}, {@code port-forward},
 * {@code agent-forward}, {@code x11}). Kept apart from {@link StatementKind}: an SSH kind never matches a SQL
 * statement and a SQL kind never matches an SSH request.
 */
public enum SshAction {
  /** Run one command line; detail = the command line. */
  EXEC,
  /** An interactive shell; no detail (typed lines are recorded, not judged). */
  SHELL,
  /** A subsystem such as {@code sftp}; detail = its name. */
  SUBSYSTEM,
  /** A TCP forward (direct-tcpip); detail = {@code host:port}. */
  PORT_FORWARD,
  /** Forwarding of the client's SSH agent; no detail. */
  AGENT_FORWARD,
  /** X11 forwarding; no detail. */
  X11;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The action for a YAML name, or {@code null} when it names none. */
  public static SshAction fromYaml(String name) {
    for (SshAction a : values()) {
      if (a.yamlName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** Whether a request of this action carries a detail that {@code commands:} globs are matched against. */
  public boolean hasDetail() {
    return this == EXEC || this == SUBSYSTEM || this == PORT_FORWARD;
  }
}
