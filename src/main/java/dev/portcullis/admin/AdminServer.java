package dev.portcullis.admin;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.identity.OidcTokenValidator;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running admin listener: its token validator (the agents' issuer, but the approvers' audience), with an SSH
 * listener a second one for the agents' own audience (certificate requests), and its HTTP verticle. What the gateway
 * starts when {@code listen.admin} is configured.
 */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final Vertx vertx;
  private final OidcTokenValidator validator;
  /** The agents' audience validator of the certificate route, or {@code null}. */
  private final OidcTokenValidator agents;
  private final AdminHttpVerticle verticle;
  private final String deployment;

  private AdminServer(Vertx vertx, OidcTokenValidator validator, OidcTokenValidator agents,
      AdminHttpVerticle verticle, String deployment) {
    this.vertx = vertx;
    this.validator = validator;
    this.agents = agents;
    this.verticle = verticle;
    this.deployment = deployment;
  }

  /**
   * Discovers the issuer for the approvers' audience and starts listening; fails (leaving nothing running) when
   * either cannot be done.
   *
   * @param oidc the agents' issuer settings; only the audience is replaced by {@code approvals.audience()}
   */
  public static Future<AdminServer> start(Vertx vertx, AdminListenConfig listen, OidcConfig oidc,
      ApprovalsConfig approvals, MetricSources sources) {
    return start(vertx, listen, oidc, approvals, sources, null);
  }

  /**
   * Like {@link #start(Vertx, AdminListenConfig, OidcConfig, ApprovalsConfig, MetricSources)}, and with
   * {@code certificates} also issues SSH user certificates to agents ({@code POST /ssh/certificates}), whose tokens
   * are validated with {@code oidc} as it is (the agents' audience).
   */
  public static Future<AdminServer> start(Vertx vertx, AdminListenConfig listen, OidcConfig oidc,
      ApprovalsConfig approvals, MetricSources sources, SshCertificates certificates) {
    OidcConfig approvers = new OidcConfig(oidc.issuer(), approvals.audience(), oidc.groupsClaim(), oidc.clockSkew());
    return OidcTokenValidator.create(vertx, approvers).compose(validator -> {
      Future<OidcTokenValidator> agentTokens = certificates == null ? Future.succeededFuture()
          : OidcTokenValidator.create(vertx, oidc);
      return agentTokens
          .recover(e -> validator.close().transform(v -> Future.failedFuture(e)))
          .compose(agents -> {
            RouteTable routes = AdminRoutes.of(
                new HealthReport(sources.sink(), sources.delivery()),
                new MetricsPage(sources),
                new BearerAuth(validator, approvals.audience()),
                new ApprovalsEndpoint(sources.approvals(), Clock.systemUTC()),
                agents == null ? null : new BearerAuth(agents, oidc.audience() != null ? oidc.audience() : "agents"),
                certificates == null ? null : new SshCertificateEndpoint(certificates, Clock.systemUTC()));
            AdminHttpVerticle verticle = new AdminHttpVerticle(listen, routes);
            return vertx.deployVerticle(verticle, new DeploymentOptions())
                .map(id -> {
                  LOG.info("admin API listening on {}://{}:{} (approvals need tokens for audience '{}'{})",
                      listen.tls() != null ? "https" : "http", listen.host(), verticle.actualPort(),
                      approvals.audience(), certificates == null ? "" : "; SSH certificates for agents' tokens");
                  return new AdminServer(vertx, validator, agents, verticle, id);
                })
                .recover(e -> Future.join(validator.close(),
                    agents == null ? Future.succeededFuture() : agents.close())
                    .transform(v -> Future.failedFuture(e)));
          });
    });
  }

  /** The port the listener is bound to (the configured one, or the one picked for port 0). */
  public int port() {
    return verticle.actualPort();
  }

  /** Stops listening, then the validator's key refreshes. */
  public Future<Void> stop() {
    return vertx.undeploy(deployment).recover(e -> Future.succeededFuture())
        .eventually(() -> agents == null ? Future.succeededFuture() : agents.close())
        .eventually(validator::close);
  }
}
