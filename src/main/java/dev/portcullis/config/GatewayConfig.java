package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The whole gateway configuration (design-notes §2), as loaded and validated by {@code ConfigLoader}.
 * Paths are absolute (resolved against the config file's directory).
 *
 * @param gatewayId   this instance's id in events (config {@code gatewayId}, default: host name)
 * @param policiesDir the directory of {@code *.yaml} policy files, hot-reloaded
 */
public record GatewayConfig(
    String gatewayId,
    PostgresListenConfig postgres,
    OidcConfig oidc,
    Map<String, TargetConfig> targets,
    Path policiesDir,
    EventsConfig events) {

  public GatewayConfig {
    targets = Map.copyOf(targets);
  }
}
