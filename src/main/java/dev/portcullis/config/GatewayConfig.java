package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole gateway configuration (design-notes §2), as loaded and validated by {@code ConfigLoader}.
 * Paths are absolute (resolved against the config file's directory).
 *
 * @param gatewayId   this instance's id in events (config {@code gatewayId}, default: host name)
 * @param policiesDir the directory of {@code *.yaml} policy files, hot-reloaded
 * @param maskingKeyFile the key of the {@code hash} masking strategy (config {@code masking.hashKeyFile}; created
 *                       when missing), or {@code null}: a key made for this process, so hashes change on restart
 * @param admin       {@code listen.admin}, or {@code null}: no admin HTTP listener
 * @param approvals   {@code approvals:} (never null; defaults when absent)
 * @param ssh         {@code listen.ssh}, or {@code null}: no SSH listener
 * @param sshTargets  the {@code type: ssh} entries of {@code targets:} (never null); {@code targets} holds only the
 *                    PostgreSQL ones
 */
public record GatewayConfig(
    String gatewayId,
    PostgresListenConfig postgres,
    OidcConfig oidc,
    Map<String, TargetConfig> targets,
    Path policiesDir,
    EventsConfig events,
    Path maskingKeyFile,
    AdminListenConfig admin,
    ApprovalsConfig approvals,
    SshListenConfig ssh,
    Map<String, SshTargetConfig> sshTargets) {

  public GatewayConfig {
    targets = Map.copyOf(targets);
    approvals = approvals != null ? approvals : ApprovalsConfig.DEFAULTS;
    sshTargets = sshTargets == null ? Map.of() : Map.copyOf(sshTargets);
  }

  /** Without an SSH listener or SSH targets (the shape before the SSH gateway). */
  public GatewayConfig(String gatewayId, PostgresListenConfig postgres, OidcConfig oidc,
      Map<String, TargetConfig> targets, Path policiesDir, EventsConfig events, Path maskingKeyFile,
      AdminListenConfig admin, ApprovalsConfig approvals) {
    this(gatewayId, postgres, oidc, targets, policiesDir, events, maskingKeyFile, admin, approvals, null, null);
  }

  /** Without an admin listener and with default approvals settings. */
  public GatewayConfig(String gatewayId, PostgresListenConfig postgres, OidcConfig oidc,
      Map<String, TargetConfig> targets, Path policiesDir, EventsConfig events, Path maskingKeyFile) {
    this(gatewayId, postgres, oidc, targets, policiesDir, events, maskingKeyFile, null, null);
  }

  /** The same config with the admin listener {@code admin} (tests bind it to port 0). */
  public GatewayConfig withAdmin(AdminListenConfig admin, ApprovalsConfig approvals) {
    return new GatewayConfig(gatewayId, postgres, oidc, targets, policiesDir, events, maskingKeyFile, admin,
        approvals, ssh, sshTargets);
  }

  public GatewayConfig(String gatewayId, PostgresListenConfig postgres, OidcConfig oidc,
      Map<String, TargetConfig> targets, Path policiesDir, EventsConfig events) {
    this(gatewayId, postgres, oidc, targets, policiesDir, events, null);
  }
}
