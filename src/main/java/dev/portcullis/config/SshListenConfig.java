package dev.portcullis.config;

import java.nio.file.Path;

/**
 * {@code listen.ssh}: where agents connect with SSH clients ({@code ssh -p PORT TARGET@GATEWAY}).
 *
 * @param hostKey the gateway's own host key file: generated on first start (mode 600), then kept, so agents that
 *                pinned it keep trusting the gateway across restarts
 */
public record SshListenConfig(String host, int port, Path hostKey) {
  public static final int DEFAULT_PORT = 2222;
}
