package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener as the gateway starts it from its config: last, on the configured address, with the agents'
 * issuer but the approvers' audience, and stopped with the gateway. No database is needed: nothing connects to a
 * target until an agent does.
 */
class GatewayAdminWiringTest {
  static final String ISSUER_ID = "wiring";
  static MockOAuth2Server issuer;
  /** One per test: a gateway registers its event-bus codecs once per Vertx. */
  Vertx vertx;
  static final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    issuer = new MockOAuth2Server();
    issuer.start();
  }

  @AfterAll
  static void stop() {
    issuer.shutdown();
  }

  @BeforeEach
  void newVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    AdminTestServer.await(vertx.close());
  }

  GatewayConfig config(AdminListenConfig admin) throws Exception {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    TargetConfig target = new TargetConfig("orders", "postgres", "127.0.0.1", 1, "orders", "gw", null,
        TargetConfig.UpstreamTls.disabled(), false);
    return new GatewayConfig("wiring-gw",
        new PostgresListenConfig("127.0.0.1", freePort(), null, false, Duration.ofSeconds(5), 10, 1 << 20),
        new OidcConfig(issuer.issuerUrl(ISSUER_ID).toString(), "portcullis", "groups", Duration.ofSeconds(5)),
        Map.of("orders", target), policies, new EventsConfig(EventsConfig.Sink.JOURNAL, dir.resolve("journal"), null))
        .withAdmin(admin, ApprovalsConfig.DEFAULTS);
  }

  String token(String subject, String audience, String... groups) {
    return issuer.issueToken(ISSUER_ID, subject, audience, Map.of("groups", List.of(groups))).serialize();
  }

  HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
            : HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void configuredAdminListenerServesHealthMetricsAndApprovalsUntilTheGatewayStops() throws Exception {
    Gateway gateway = AdminTestServer.await(Gateway.start(vertx,
        config(new AdminListenConfig("127.0.0.1", 0, null))));
    int port = gateway.adminPort();
    try {
      assertTrue(port > 0, "bound port exposed");
      HttpResponse<String> health = call(port, "GET", "/health", null);
      assertEquals(200, health.statusCode());
      assertTrue(health.body().contains("\"sink\":\"journal\""), health.body());
      PrometheusScrape metrics = PrometheusScrape.parse(call(port, "GET", "/metrics", null).body());
      assertEquals(0, metrics.value("portcullis_approvals_pending"));
      assertEquals(0, metrics.value("portcullis_sessions_active"));

      String approver = token("alice", "portcullis-admin", "db-owners");
      HttpResponse<String> list = call(port, "GET", "/approvals", approver);
      assertEquals(200, list.statusCode(), list.body());
      assertEquals(new JsonArray(), new JsonArray(list.body()));
      assertEquals(401, call(port, "GET", "/approvals", token("ci-bot", "portcullis", "db-owners")).statusCode());
      // Until statements can be held, nothing is pending: deciding anything is a plain 404.
      assertEquals(404, call(port, "POST", "/approvals/anything/approve", approver).statusCode());
    } finally {
      AdminTestServer.await(gateway.stop());
    }
    assertThrows(ConnectException.class, () -> call(port, "GET", "/health", null));
  }

  @Test
  void theApprovalServiceGivenToTheGatewayIsTheOneServed() throws Exception {
    FakeApprovals approvals = new FakeApprovals();
    approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    Gateway gateway = AdminTestServer.await(Gateway.start(vertx,
        config(new AdminListenConfig("127.0.0.1", 0, null)), approvals));
    try {
      HttpResponse<String> list = call(gateway.adminPort(), "GET", "/approvals",
          token("alice", "portcullis-admin", "db-owners"));
      assertEquals("a-1", new JsonArray(list.body()).getJsonObject(0).getString("approvalId"));
      assertEquals(1, PrometheusScrape.parse(call(gateway.adminPort(), "GET", "/metrics", null).body())
          .value("portcullis_approvals_pending"));
    } finally {
      AdminTestServer.await(gateway.stop());
    }
  }

  @Test
  void noAdminListenerUnlessConfigured() throws Exception {
    Gateway gateway = AdminTestServer.await(Gateway.start(vertx, config(null)));
    try {
      assertEquals(-1, gateway.adminPort());
    } finally {
      AdminTestServer.await(gateway.stop());
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
