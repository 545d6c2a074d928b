package dev.portcullis.admin;

import io.vertx.core.Future;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The admin API's route table (design-notes §4b). {@code /health} and {@code /metrics} are open (probes and
 * scrapers carry no tokens and learn nothing secret); every {@code /approvals} call authenticates first, so an
 * unauthenticated caller learns nothing about ids or bodies beyond "401". {@code POST /ssh/certificates}
 * authenticates with an <em>agent's</em> token ({@code agents}: the agents' audience), never an approver's.
 */
final class AdminRoutes {
  /** Approval ids are UUIDs; anything far longer is not one. */
  private static final String ID = "([^/]{1,200})";

  private AdminRoutes() {}

  static RouteTable of(HealthReport health, MetricsPage metrics, BearerAuth auth, ApprovalsEndpoint approvals) {
    return of(health, metrics, auth, approvals, null, null);
  }

  /**
   * @param agents       validates agents' tokens, or {@code null} when no SSH certificates are issued
   * @param certificates the certificate endpoint, or {@code null} (no SSH listener): the route answers 404 saying so
   */
  static RouteTable of(HealthReport health, MetricsPage metrics, BearerAuth auth, ApprovalsEndpoint approvals,
      BearerAuth agents, SshCertificateEndpoint certificates) {
    return new RouteTable()
        .post("/ssh/certificates", r -> certificates == null
            ? Future.failedFuture(new ErrorReply(404, "this gateway issues no SSH certificates (no listen.ssh)"))
            : agents.authenticate(r.authorization()).map(caller -> certificates.issue(caller, r.body())))
        .get("/health", r -> Future.succeededFuture(health.render()))
        .get("/metrics", r -> Future.succeededFuture(
            AdminResponse.text(200, PrometheusText.CONTENT_TYPE, metrics.render())))
        .get("/approvals", r -> auth.authenticate(r.authorization()).map(approvals::list))
        .post("/approvals/" + ID + "/approve", r -> decide(auth, approvals, r, true))
        .post("/approvals/" + ID + "/deny", r -> decide(auth, approvals, r, false));
  }

  private static Future<AdminResponse> decide(BearerAuth auth, ApprovalsEndpoint approvals, AdminRequest r,
      boolean approve) {
    return auth.authenticate(r.authorization()).compose(caller -> {
      DecisionBody body = DecisionBody.parse(r.body()); // an ErrorReply thrown here fails the future: 400
      return approvals.decide(approvalId(r.pathParams().get(0)), caller, approve, body);
    });
  }

  private static String approvalId(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8); // a path, not a form: '+' is '+'
    } catch (IllegalArgumentException e) {
      throw new ErrorReply(404, "no such approval request");
    }
  }
}
