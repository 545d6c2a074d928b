package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventType;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.identity.Identity;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /metrics} as a scraper reads it, the counting publisher behind it, and {@code /health}'s two verdicts. */
class MetricsAndHealthTest {
  static AdminTestServer admin;

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
  }

  static final SessionInfo SESSION = new SessionInfo("s-1", "gw-test",
      new Identity("ci-bot", List.of("ai-agents"), "https://issuer.test", Instant.now().plusSeconds(600)), "orders",
      "postgres");

  static SessionEvent event(String type, Map<String, Object> details) {
    return SessionEvent.of(type, SESSION, details);
  }

  static HttpResponse<String> scrape() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(admin.url + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAreValidPrometheusTextAndCountWhatThePublisherSaw() throws Exception {
    List<SessionEvent> passedOn = new ArrayList<>();
    EventPublisher metered = new MeteredEventPublisher(passedOn::add, admin.metrics);
    ApprovalRequest held = admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders",
        List.of());
    List<SessionEvent> events = List.of(
        event(EventType.SESSION_STARTED, Map.of()),
        event(EventType.SESSION_STARTED, Map.of()),
        event(EventType.STATEMENT_DECIDED, Map.of("decision", "allow")),
        event(EventType.STATEMENT_DECIDED, Map.of("decision", "allow")),
        event(EventType.STATEMENT_DECIDED, Map.of("decision", "deny")),
        event(EventType.STATEMENT_DECIDED, Map.of("decision", "review")),
        event(EventType.STATEMENT_COMPLETED, Map.of()),
        ApprovalEvents.requested(held),
        ApprovalEvents.decided(SESSION, new ApprovalDecision("a-0", "sha256:x", ApprovalDecision.Outcome.EXPIRED,
            null, "nobody answered", Instant.now())),
        event(EventType.SESSION_ENDED, Map.of()));
    events.forEach(metered::publish);
    assertEquals(events, passedOn, "every event is passed on, in order");
    admin.publisherStats = new PublisherStats(40, 2, 1, 3, 5);

    HttpResponse<String> response = scrape();
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    PrometheusScrape m = PrometheusScrape.parse(response.body());
    assertEquals(1, m.value("portcullis_sessions_active"));
    assertEquals(2, m.value("portcullis_sessions_started_total"));
    assertEquals(2, m.value("portcullis_statements_decided_total{decision=\"allow\"}"));
    assertEquals(1, m.value("portcullis_statements_decided_total{decision=\"deny\"}"));
    assertEquals(1, m.value("portcullis_statements_decided_total{decision=\"review\"}"));
    assertEquals(1, m.value("portcullis_approvals_pending"));
    assertEquals(1, m.value("portcullis_approvals_requested_total"));
    assertEquals(1, m.value("portcullis_approvals_decided_total{outcome=\"expired\"}"));
    assertEquals(0, m.value("portcullis_approvals_decided_total{outcome=\"approved\"}"));
    assertEquals(40, m.value("portcullis_events_written_total"));
    assertEquals(2, m.value("portcullis_events_dropped_total"));
    assertEquals(1, m.value("portcullis_events_rejected_total"));
    assertEquals(3, m.value("portcullis_events_retries_total"));
    assertEquals(5, m.value("portcullis_events_queued"));
    assertEquals(1, m.value("portcullis_events_deliverable"));
    assertEquals(0, m.value("portcullis_events_lost_total{reason=\"spool_full\"}"));
    assertEquals(0, m.value("portcullis_relay_sessions_open"));
    assertEquals(0, m.value("portcullis_relay_backend_read_pauses_total"));
    assertEquals("gauge", m.types.get("portcullis_sessions_active"));
    assertEquals("counter", m.types.get("portcullis_statements_decided_total"));
  }

  @Test
  void prometheusWriterRefusesMisnamedFamiliesAndEscapesLabels() {
    assertThrows(IllegalArgumentException.class, () -> new PrometheusText().counter("portcullis_things", "h", 1));
    assertThrows(IllegalArgumentException.class, () -> new PrometheusText().gauge("portcullis_x_total", "h", 1));
    assertThrows(IllegalArgumentException.class, () -> new PrometheusText().gauge("9lives", "h", 1));
    String text = new PrometheusText()
        .counter("odd_total", "a \\ help\nline", "label", Map.of("say \"hi\"\\\n", 3L)).text();
    assertEquals("# HELP odd_total a \\\\ help\\nline\n# TYPE odd_total counter\n"
        + "odd_total{label=\"say \\\"hi\\\"\\\\\\n\"} 3\n", text);
    assertEquals(3, PrometheusScrape.parse(text).samples.values().iterator().next().longValue());
  }

  @Test
  void healthStaysServingButDegradedWhenTheGatewayKeepsServingWithoutDelivery() {
    DeliveryHealth keepServing = new DeliveryHealth(EventsConfig.OnUnavailable.KEEP_SERVING, 1_000);
    long now = System.currentTimeMillis();
    keepServing.update(now, 10, now - 5_000, now - 5_000, false);
    AdminResponse r = new HealthReport(EventsConfig.Sink.KAFKA, keepServing).render();
    assertEquals(200, r.status());
    JsonObject body = new JsonObject(r.body());
    assertEquals("degraded", body.getString("status"));
    assertEquals(true, body.getJsonObject("events").getBoolean("admitsNewSessions"));
    assertEquals("keep-serving", body.getJsonObject("events").getString("onUnavailable"));
    assertEquals(0, keepServing.stats().sessionsServedUndeliverable(), "a probe is not a session");

    AdminResponse journal = new HealthReport(EventsConfig.Sink.JOURNAL,
        new DeliveryHealth(EventsConfig.OnUnavailable.KEEP_SERVING, Long.MAX_VALUE)).render();
    assertEquals(200, journal.status());
    assertTrue(journal.body().contains("\"sink\":\"journal\""), journal.body());
  }
}
