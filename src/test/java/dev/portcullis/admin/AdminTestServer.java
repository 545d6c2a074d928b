package dev.portcullis.admin;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.forward.RelayCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A real admin listener on a free port with a real OIDC issuer (mock-oauth2-server: discovery, JWKS, signed
 * tokens), over {@link FakeApprovals} and counters the test controls.
 */
public final class AdminTestServer implements AutoCloseable {
  public static final String ISSUER_ID = "admin-test";
  public static final String AGENT_AUDIENCE = "portcullis";
  public static final String ADMIN_AUDIENCE = ApprovalsConfig.DEFAULT_AUDIENCE;
  /** Event delivery gives up after this long without Kafka: the health test moves the clock past it. */
  public static final long MAX_OUTAGE_MS = 1_000;

  public final MockOAuth2Server issuer = new MockOAuth2Server();
  public final Vertx vertx = Vertx.vertx();
  public final FakeApprovals approvals = new FakeApprovals();
  public final GatewayMetrics metrics = new GatewayMetrics();
  public final DeliveryHealth delivery = new DeliveryHealth(EventsConfig.OnUnavailable.REFUSE_SESSIONS,
      MAX_OUTAGE_MS);
  public final RelayCounters relays = new RelayCounters();
  public volatile PublisherStats publisherStats = new PublisherStats(0, 0, 0, 0, 0);
  public final AdminServer server;
  public final String url;

  public AdminTestServer() throws Exception {
    this(null);
  }

  /** @param certificates what {@code POST /ssh/certificates} issues with, or {@code null} (no SSH listener) */
  public AdminTestServer(SshCertificates certificates) throws Exception {
    issuer.start();
    MetricSources sources = new MetricSources(metrics, EventsConfig.Sink.KAFKA, delivery, () -> publisherStats,
        relays, approvals);
    server = await(AdminServer.start(vertx, new AdminListenConfig("127.0.0.1", 0, null),
        new OidcConfig(issuer.issuerUrl(ISSUER_ID).toString(), AGENT_AUDIENCE, "groups", Duration.ofSeconds(5)),
        ApprovalsConfig.DEFAULTS, sources, certificates));
    url = "http://127.0.0.1:" + server.port();
  }

  /** A token from the test issuer for {@code audience}. */
  public String token(String subject, String audience, String... groups) {
    return issuer.issueToken(ISSUER_ID, subject, audience, Map.of("groups", List.of(groups))).serialize();
  }

  /** An approver's token (the admin audience). */
  public String adminToken(String subject, String... groups) {
    return token(subject, ADMIN_AUDIENCE, groups);
  }

  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Override
  public void close() throws Exception {
    await(server.stop());
    await(vertx.close());
    issuer.shutdown();
  }
}
