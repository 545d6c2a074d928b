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
 * A running admin listener: its token validator (the agents' issuer, but the approvers' audience) and its HTTP
 * verticle. What the gateway starts when {@code listen.admin} is configured.
 */
public final class AdminServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final Vertx vertx;
  private final OidcTokenValidator validator;
  private final AdminHttpVerticle verticle;
  private final String deployment;

  private AdminServer(Vertx vertx, OidcTokenValidator validator, AdminHttpVerticle verticle, String deployment) {
    this.vertx = vertx;
    this.validator = validator;
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
    OidcConfig approvers = new OidcConfig(oidc.issuer(), approvals.audience(), oidc.groupsClaim(), oidc.clockSkew());
    return OidcTokenValidator.create(vertx, approvers).compose(validator -> {
      RouteTable routes = AdminRoutes.of(
          new HealthReport(sources.sink(), sources.delivery()),
          new MetricsPage(sources),
          new BearerAuth(validator, approvals.audience()),
          new ApprovalsEndpoint(sources.approvals(), Clock.systemUTC()));
      AdminHttpVerticle verticle = new AdminHttpVerticle(listen, routes);
      return vertx.deployVerticle(verticle, new DeploymentOptions())
          .map(id -> {
            LOG.info("admin API listening on {}://{}:{} (approvals need tokens for audience '{}')",
                listen.tls() != null ? "https" : "http", listen.host(), verticle.actualPort(), approvals.audience());
            return new AdminServer(vertx, validator, verticle, id);
          })
          .recover(e -> validator.close().transform(v -> Future.failedFuture(e)));
    });
  }

  /** The port the listener is bound to (the configured one, or the one picked for port 0). */
  public int port() {
    return verticle.actualPort();
  }

  /** Stops listening, then the validator's key refreshes. */
  public Future<Void> stop() {
    return vertx.undeploy(deployment).recover(e -> Future.succeededFuture()).eventually(validator::close);
  }
}
