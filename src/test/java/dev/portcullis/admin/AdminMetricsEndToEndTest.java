package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.e2e.GatewayHarness;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a gateway that real pgjdbc sessions go through (the e2e database and policies): sessions and
 * decisions are counted as they happen, and a session that ends leaves the active gauge.
 */
class AdminMetricsEndToEndTest {
  @Test
  void realSessionsAndDecisionsShowInMetrics() throws Exception {
    GatewayHarness h = GatewayHarness.get();
    int pgPort;
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    TargetConfig target = new TargetConfig(GatewayHarness.TARGET, "postgres", h.postgres.host(), h.postgres.port(),
        GatewayHarness.DATABASE, LocalPostgres.APP_ROLE, h.postgres.password(LocalPostgres.APP_ROLE),
        TargetConfig.UpstreamTls.disabled(), false);
    GatewayConfig config = new GatewayConfig("metrics-e2e",
        new PostgresListenConfig("127.0.0.1", pgPort, null, false, Duration.ofSeconds(5), 20, 1 << 20),
        new OidcConfig(h.issuer.issuerUrl(GatewayHarness.ISSUER_ID).toString(), GatewayHarness.AUDIENCE, "groups",
            Duration.ofSeconds(5)),
        Map.of(GatewayHarness.TARGET, target), h.policiesDir,
        new EventsConfig(EventsConfig.Sink.JOURNAL, Files.createTempDirectory("metrics-e2e"), null))
        .withAdmin(new AdminListenConfig("127.0.0.1", 0, null), ApprovalsConfig.DEFAULTS);
    Vertx vertx = Vertx.vertx();
    Gateway gateway = AdminTestServer.await(Gateway.start(vertx, config));
    try {
      String metricsUrl = "http://127.0.0.1:" + gateway.adminPort() + "/metrics";
      Properties p = new Properties();
      p.setProperty("user", "agent");
      p.setProperty("password", h.token("ci-bot", "agents"));
      p.setProperty("sslmode", "require");
      try (Connection c = DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + GatewayHarness.TARGET, p);
          Statement s = c.createStatement()) {
        PrometheusScrape before = scrape(metricsUrl);
        assertEquals(1, before.value("portcullis_sessions_active"));
        assertEquals(1, before.value("portcullis_sessions_started_total"));
        assertEquals(1, before.value("portcullis_relay_sessions_open"));
        long allowed = before.value("portcullis_statements_decided_total{decision=\"allow\"}");

        s.execute("SELECT name FROM items");
        assertThrows(SQLException.class, () -> s.execute("SELECT note FROM secrets"));
        // No review statement here: once review holds the statement, it would wait for an approver.

        PrometheusScrape after = scrape(metricsUrl);
        assertEquals(allowed + 1, after.value("portcullis_statements_decided_total{decision=\"allow\"}"));
        assertEquals(1, after.value("portcullis_statements_decided_total{decision=\"deny\"}"));
        assertEquals(0, after.value("portcullis_statements_decided_total{decision=\"review\"}"));
      }
      // session.ended follows the client's Terminate asynchronously: wait for it, bounded.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      PrometheusScrape last = scrape(metricsUrl);
      while (last.value("portcullis_sessions_active") != 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        last = scrape(metricsUrl);
      }
      assertEquals(0, last.value("portcullis_sessions_active"));
      assertEquals(1, last.value("portcullis_sessions_started_total"));
    } finally {
      AdminTestServer.await(gateway.stop());
      AdminTestServer.await(vertx.close());
    }
  }

  private static PrometheusScrape scrape(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return PrometheusScrape.parse(r.body());
  }
}
