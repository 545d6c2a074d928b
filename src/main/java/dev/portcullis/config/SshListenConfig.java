package dev.portcullis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code listen.ssh}: where agents connect with SSH clients ({@code ssh -p PORT TARGET@GATEWAY}).
 *
 * @param hostKey the gateway's own host key file: generated on first start (mode 600), then kept, so agents that
 *                pinned it keep trusting the gateway across restarts
 * @param userCa  the CA key that signs agents' SSH user certificates ({@code portcullis ssh-cert}); generated on
 *                first start (mode 600) and kept. Gateway instances sharing this file accept each other's
 *                certificates
 * @param maxCertificateValidity the longest a certificate is valid; never longer than the token it was issued for
 * @param limits  timeouts and session/channel limits
 */
public record SshListenConfig(String host, int port, Path hostKey, Path userCa, Duration maxCertificateValidity,
    SshLimits limits) {
  public static final int DEFAULT_PORT = 2222;
  public static final String DEFAULT_USER_CA_NAME = "ssh_user_ca";
  /** Long enough for a working session's reconnects, short enough that a copied certificate soon stops working. */
  public static final Duration DEFAULT_MAX_CERTIFICATE_VALIDITY = Duration.ofHours(1);

  public SshListenConfig {
    Objects.requireNonNull(hostKey, "hostKey");
    userCa = userCa != null ? userCa : defaultUserCa(hostKey);
    maxCertificateValidity = maxCertificateValidity != null ? maxCertificateValidity
        : DEFAULT_MAX_CERTIFICATE_VALIDITY;
    limits = limits != null ? limits : SshLimits.DEFAULTS;
  }

  /** With the CA key next to the host key, the default certificate validity and {@link SshLimits#DEFAULTS}. */
  public SshListenConfig(String host, int port, Path hostKey) {
    this(host, port, hostKey, null, null, null);
  }

  /** {@code ssh_user_ca} in the host key's directory. */
  public static Path defaultUserCa(Path hostKey) {
    return hostKey.resolveSibling(DEFAULT_USER_CA_NAME);
  }
}
