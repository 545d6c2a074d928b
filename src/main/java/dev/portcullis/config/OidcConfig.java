package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code oidc:}: the issuer whose tokens agents present.
 *
 * @param issuer      discovery at {@code {issuer}/.well-known/openid-configuration}
 * @param audience    required {@code aud} value, or {@code null} to not check it (a warning is logged)
 * @param groupsClaim dotted claim path of the groups (default {@code groups}; e.g. {@code realm_access.roles})
 * @param clockSkew   tolerance for {@code exp}/{@code nbf}/{@code iat} (default 30 s)
 */
public record OidcConfig(String issuer, String audience, String groupsClaim, Duration clockSkew) {
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
}
