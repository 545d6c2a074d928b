package dev.portcullis.pg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.identity.OidcTokenValidator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.net.ClientSSLOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * psql (simple protocol) and the Vert.x PG client through the gateway, with tokens from a real OIDC issuer
 * (mock-oauth2-server) checked by the real {@link OidcTokenValidator}.
 */
class RealClientsTest {
  static MockOAuth2Server issuer;
  static GatewayFixture gw;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    issuer = new MockOAuth2Server();
    issuer.start();
    String issuerUrl = issuer.issuerUrl("agents").toString();
    gw = new GatewayFixture(false, Duration.ofSeconds(10), 100, PostgresListenConfig.DEFAULT_MAX_MESSAGE_BYTES,
        vertx -> {
          try {
            return OidcTokenValidator.create(vertx, new OidcConfig(issuerUrl, "portcullis", "groups", null))
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    token = issuer.issueToken("agents", "ci-bot", "portcullis", Map.of("groups", List.of("ai-agents"))).serialize();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    issuer.shutdown();
  }

  record Run(int exit, String out, String err) {}

  static Run psql(String conninfo, String sql, Map<String, String> env) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
        "host=127.0.0.1 port=" + gw.port + " dbname=" + GatewayFixture.TARGET + " user=ci-bot " + conninfo,
        "-c", sql));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PGPASSWORD", token);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, err);
  }

  @Test
  void psqlOverTlsRunsMultiStatementMessages() throws Exception {
    Run run = psql("sslmode=require", "select 1; select 'two'", Map.of());
    assertEquals(0, run.exit(), run.err());
    assertEquals("1\ntwo\n", run.out());
    assertTrue(gw.events("statement.decided").stream().anyMatch(e -> "simple".equals(e.details().get("queryProtocol"))
        && "select 'two'".equals(e.details().get("text"))));
  }

  @Test
  void psqlMultiStatementWithOneDeniedRunsNothing() throws Exception {
    Run create = psql("sslmode=require", "create table pgterm_psql_t (v int)", Map.of());
    assertEquals(0, create.exit(), create.err());
    Run run = psql("sslmode=require",
        "insert into pgterm_psql_t values (1); select * from forbidden_marker; insert into pgterm_psql_t values (2)", Map.of());
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("ERROR:  " + GatewayFixture.deniedMessage("select on public.forbidden_marker is denied")), run.err());
    Run count = psql("sslmode=require", "select count(*) from pgterm_psql_t", Map.of());
    assertEquals("0\n", count.out(), "all or nothing");
  }

  @Test
  void plaintextIsRefusedWithAClearMessage() throws Exception {
    Run run = psql("sslmode=disable", "select 1", Map.of());
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("TLS is required") && run.err().contains("sslmode=require"), run.err());
  }

  @Test
  void optionsFromPgoptionsAreRefused() throws Exception {
    Run run = psql("sslmode=require", "select current_user", Map.of("PGOPTIONS", "-c role=pg_read_all_data"));
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("\"options\" is not allowed through the gateway"), run.err());
  }

  @Test
  void wrongAudienceTokenIsRejected() throws Exception {
    String other = issuer.issueToken("agents", "ci-bot", "someone-else", Map.of()).serialize();
    Run run = psql("sslmode=require", "select 1", Map.of("PGPASSWORD", other));
    assertNotEquals(0, run.exit());
    assertTrue(run.err().contains("portcullis: token rejected:"), run.err());
    assertTrue(!run.err().contains(other), "the token is never echoed");
  }

  @Test
  void vertxPgClient() throws Exception {
    PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(gw.port)
        .setDatabase(GatewayFixture.TARGET).setUser("ci-bot").setPassword(token).setSslMode(SslMode.REQUIRE)
        .setSslOptions(new ClientSSLOptions().setTrustAll(true));
    io.vertx.core.Vertx client = io.vertx.core.Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(client).build();
    try {
      Row row = await(pool.query("select 6 * 7 as v").execute()).iterator().next();
      assertEquals(42, row.getInteger("v"));
      for (int i = 0; i < 10; i++) {
        Row p = await(pool.preparedQuery("select $1::int + 1 as v").execute(Tuple.of(i))).iterator().next();
        assertEquals(i + 1, p.getInteger("v"));
      }
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> await(pool.preparedQuery("select $1::text from forbidden_marker").execute(Tuple.of("x"))));
      PgException pg = (PgException) e.getCause();
      assertEquals("42501", pg.getSqlState());
      assertEquals(GatewayFixture.deniedMessage("select on public.forbidden_marker is denied"), pg.getErrorMessage());
      Row after = await(pool.query("select 1 as v").execute()).iterator().next();
      assertEquals(1, after.getInteger("v"));
    } finally {
      await(pool.close());
      await(client.close());
    }
  }

  static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
