package dev.portcullis.pg.it;

import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.identity.Identity;
import dev.portcullis.identity.TokenRejectedException;
import dev.portcullis.identity.TokenValidator;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.forward.PgForwardingVerticle;
import dev.portcullis.pg.PgTerminationVerticle;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway's PostgreSQL side in one JVM: a real PostgreSQL, the forwarder, the termination verticle, and test
 * the real policy engine over the policies in {@code src/test/resources/pg-it/policies}, and a fixed-token validator.
 */
final class GatewayFixture implements AutoCloseable {
  static final String TOKEN = "good-token-for-tests";
  /** A token whose identity expires 1.5 s after validation. */
  static final String SHORT_TOKEN = "short-lived-token";
  static final String TARGET = "orders";

  final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(Integer.getInteger("fixture.eventLoops", 4)));
  final LocalPostgres postgres = LocalPostgres.get();
  /** Denied by rule {@link #DENY_RULE} of policy {@link #POLICY}: a table of the fixture's database. */
  static final String FORBIDDEN = "forbidden_marker";
  /** Needs a review (rule {@link #REVIEW_RULE}): refused until approvals exist. */
  static final String REVIEW = "review_marker";
  static final String POLICY = "pg-it";
  static final String DENY_RULE = "no-forbidden-marker";
  static final String REVIEW_RULE = "review-marker";
  static final java.nio.file.Path POLICIES = java.nio.file.Path.of("src/test/resources/pg-it/policies");
  private final java.util.concurrent.ThreadPoolExecutor policyWorker = dev.portcullis.policy.PolicyEngine.boundedExecutor(2, 256);
  final java.util.Queue<SessionEvent> events = new java.util.concurrent.ConcurrentLinkedQueue<>();
  final PostgresListenConfig config;
  final int port;

  /**
   * Fixed-token validator (fast, and able to issue a 1.5 s identity for the expiry test). The real
   * OidcTokenValidator with mock-oauth2-server is exercised by {@link RealClientsTest}.
   */
  static final TokenValidator VALIDATOR = token -> {
    if (TOKEN.equals(token)) {
      return Future.succeededFuture(new Identity("ci-bot", List.of("ai-agents"), "test-issuer",
          Instant.now().plusSeconds(3600)));
    }
    if (SHORT_TOKEN.equals(token)) {
      return Future.succeededFuture(new Identity("ci-bot", List.of("ai-agents"), "test-issuer",
          Instant.now().plusMillis(1500)));
    }
    return Future.failedFuture(new TokenRejectedException("signature invalid"));
  };

  GatewayFixture(boolean allowPlaintext, Duration startupTimeout, int maxConnections, int maxMessageBytes)
      throws Exception {
    this(allowPlaintext, startupTimeout, maxConnections, maxMessageBytes, v -> VALIDATOR);
  }

  GatewayFixture(boolean allowPlaintext, Duration startupTimeout, int maxConnections, int maxMessageBytes,
      java.util.function.Function<Vertx, TokenValidator> validators) throws Exception {
    Codecs.register(vertx);
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    java.util.Map<String, TargetConfig> targets = new java.util.HashMap<>();
    targets.put(TARGET, postgres.target(TARGET));
    targets.put("privileged", postgres.target("privileged", LocalPostgres.SUPER_ROLE));
    TargetConfig app = postgres.target("down");
    targets.put("down", new TargetConfig("down", "postgres", "127.0.0.1", closedPort, app.database(),
        app.username(), app.password(), app.tls(), false));
    vertx.deployVerticle(new PgForwardingVerticle(targets)).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    createMarkerTables();
    dev.portcullis.policy.PolicyEngine engine = new dev.portcullis.policy.PolicyEngine(
        new dev.portcullis.policy.sql.PostgresSqlAnalyzer(), policyWorker, 1000,
        dev.portcullis.policy.PolicyLoader.loadDirectory(POLICIES));
    // One instance per event loop: PolicyVerticle registers the LoopAffinity consumers each session looks for.
    vertx.deployVerticle(() -> new dev.portcullis.policy.PolicyVerticle(engine),
        new io.vertx.core.DeploymentOptions().setInstances(Integer.getInteger("fixture.eventLoops", 4)))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.deployVerticle(dev.portcullis.approval.ApprovalVerticle.local(events::add))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    config = new PostgresListenConfig("127.0.0.1", 0, null, allowPlaintext, startupTimeout, maxConnections,
        maxMessageBytes);
    PgTerminationVerticle verticle =
        new PgTerminationVerticle(config, "gw-test", validators.apply(vertx), events::add, new AtomicInteger());
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    port = verticle.actualPort();
  }

  /** The tables the policy names, made by the admin and usable by every backend role (the statements must run). */
  private void createMarkerTables() throws java.sql.SQLException {
    try (java.sql.Connection c = postgres.adminConnection(); java.sql.Statement s = c.createStatement()) {
      for (String table : List.of(FORBIDDEN, REVIEW)) {
        s.execute("create table if not exists public." + table + " (v int)");
        s.execute("grant all on public." + table + " to public");
      }
      s.execute("create or replace function public.pgterm_latin1() returns text language sql"
          + " as $$ select set_config('client_encoding', 'LATIN1', false) $$");
    }
  }

  /** The client message of the real deny of {@code select/insert ... forbidden_marker}. */
  static String deniedMessage(String reason) {
    return new dev.portcullis.policy.Decision.Deny(POLICY, DENY_RULE, reason).clientMessage();
  }

  static GatewayFixture standard() throws Exception {
    return new GatewayFixture(false, Duration.ofSeconds(10), 1000, PostgresListenConfig.DEFAULT_MAX_MESSAGE_BYTES);
  }

  String jdbcUrl(String extra) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + TARGET + "?sslmode=require&user=ci-bot&password=" + TOKEN
        + (extra.isEmpty() ? "" : "&" + extra);
  }

  List<SessionEvent> events(String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      policyWorker.shutdownNow();
    }
  }
}
