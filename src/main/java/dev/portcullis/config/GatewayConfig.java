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
 */
public record GatewayConfig(
    String gatewayId,
    PostgresListenConfig postgres,
    OidcConfig oidc,
    Map<String, TargetConfig> targets,
    Path policiesDir,
    EventsConfig events,
    Path maskingKeyFile) {

  public GatewayConfig {
    targets = Map.copyOf(targets);
  }

  public GatewayConfig(String gatewayId, PostgresListenConfig postgres, OidcConfig oidc,
      Map<String, TargetConfig> targets, Path policiesDir, EventsConfig events) {
    this(gatewayId, postgres, oidc, targets, policiesDir, events, null);
  }
}
