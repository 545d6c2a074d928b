package dev.portcullis.config;

import java.nio.file.Path;

/**
 * {@code listen.ssh}: where agents connect with SSH clients ({@code ssh -p PORT TARGET@GATEWAY}).
 *
 * @param hostKey the gateway's own host key file: generated on first start (mode 600), then kept, so agents that
 *                pinned it keep trusting the gateway across restarts
 * @param limits  timeouts and session/channel limits
 */
public record SshListenConfig(String host, int port, Path hostKey, SshLimits limits) {
  public static final int DEFAULT_PORT = 2222;

  /** With {@link SshLimits#DEFAULTS}. */
  public SshListenConfig(String host, int port, Path hostKey) {
    this(host, port, hostKey, SshLimits.DEFAULTS);
  }
}
