package dev.portcullis.config;

/**
 * {@code approvals:}: how approvers are recognized.
 *
 * @param audience the {@code aud} an admin token must carry (default {@code portcullis-admin}); agents' tokens are
 *                 issued for {@code oidc.audience}, so an agent can never call the approval API with its own token
 */
public record ApprovalsConfig(String audience) {
  public static final String DEFAULT_AUDIENCE = "portcullis-admin";
  public static final ApprovalsConfig DEFAULTS = new ApprovalsConfig(DEFAULT_AUDIENCE);

  public ApprovalsConfig {
    java.util.Objects.requireNonNull(audience, "audience");
  }
}
