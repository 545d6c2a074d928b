package dev.portcullis.ssh;

/**
 * What an agent asks the gateway to do on the target. Mirrors {@code dev.portcullis.policy.SshAction} of the
 * shared contract one to one, so the adapter to the policy verticle is a plain mapping.
 */
public enum SshChannelKind {
  EXEC, SHELL, SUBSYSTEM, PORT_FORWARD, AGENT_FORWARD, X11;

  /** The name in events' {@code kinds} and in policy YAML. */
  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
