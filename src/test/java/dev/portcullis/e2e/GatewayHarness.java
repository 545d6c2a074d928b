package dev.portcullis.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.slf4j.LoggerFactory;

/**
 * The whole gateway, as `serve` runs it, in front of the real test PostgreSQL, with a real OIDC issuer
 * (mock-oauth2-server) and the policies of {@code src/test/resources/e2e/policies}. One per test JVM.
 *
 * <p>Target {@code orders} is database {@code e2e}, reached as the ordinary role {@code gw_app} whose password only
 * the gateway config holds. Tables: {@code items} (3 rows), {@code secrets} (1 row), {@code scratch} (empty; agents
 * may write it).
 */
public final class GatewayHarness {
  public static final String TARGET = "orders";
  public static final String DATABASE = "e2e";
  public static final String ISSUER_ID = "e2e";
  public static final String AUDIENCE = "portcullis";
  private static GatewayHarness instance;

  public final LocalPostgres postgres;
  public final MockOAuth2Server issuer;
  public final Vertx vertx;
  public final Gateway gateway;
  public final int port;
  public final Path journalDir;
  public final Path policiesDir;
  /** Every log event of the test JVM from before the gateway started: to prove no secret is ever logged. */
  public final ListAppender<ILoggingEvent> logs;

  private GatewayHarness(LocalPostgres postgres, MockOAuth2Server issuer, Vertx vertx, Gateway gateway, int port,
      Path journalDir, Path policiesDir, ListAppender<ILoggingEvent> logs) {
    this.logs = logs;
    this.postgres = postgres;
    this.issuer = issuer;
    this.vertx = vertx;
    this.gateway = gateway;
    this.port = port;
    this.journalDir = journalDir;
    this.policiesDir = policiesDir;
  }

  public static synchronized GatewayHarness get() throws Exception {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "e2e-harness-stop"));
    }
    return instance;
  }

  private static GatewayHarness start() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    LocalPostgres postgres = LocalPostgres.get();
    createDatabase(postgres);
    MockOAuth2Server issuer = new MockOAuth2Server();
    issuer.start();
    Path work = Files.createTempDirectory("portcullis-e2e");
    Path policies = policiesDir(work, "/e2e/policies/agents.yaml", "/e2e/policies/operators.yaml",
        "/e2e/policies/approvals.yaml");
    Path journal = work.resolve("journal");
    int port = freePort();
    TargetConfig target = new TargetConfig(TARGET, "postgres", postgres.host(), postgres.port(), DATABASE,
        LocalPostgres.APP_ROLE, postgres.password(LocalPostgres.APP_ROLE), TargetConfig.UpstreamTls.disabled(), false);
    GatewayConfig config = new GatewayConfig("e2e-gateway",
        new PostgresListenConfig("127.0.0.1", port, null, false, Duration.ofSeconds(5), 200, 1 << 20),
        new OidcConfig(issuer.issuerUrl(ISSUER_ID).toString(), AUDIENCE, "groups", Duration.ofSeconds(5)),
        Map.of(TARGET, target), policies, new EventsConfig(EventsConfig.Sink.JOURNAL, journal, null));
    Vertx vertx = Vertx.vertx();
    Gateway gateway = await(Gateway.start(vertx, config));
    return new GatewayHarness(postgres, issuer, vertx, gateway, port, journal, policies, logs);
  }

  /** Everything logged so far, formatted with arguments, as one text. */
  public String loggedText() {
    StringBuilder all = new StringBuilder();
    synchronized (logs.list) {
      for (ILoggingEvent e : logs.list) {
        all.append(e.getFormattedMessage()).append('\n');
        if (e.getThrowableProxy() != null) {
          all.append(e.getThrowableProxy().getMessage()).append('\n');
        }
      }
    }
    return all.toString();
  }

  /** A fresh token for {@code subject} in {@code groups}, signed by the test issuer. */
  public String token(String subject, String... groups) {
    return issuer.issueToken(ISSUER_ID, subject, AUDIENCE, Map.of("groups", List.of(groups))).serialize();
  }

  /** A pgjdbc connection through the gateway ({@code sslmode=require}, token as password). */
  public Connection connect(String token, String... extraProperties) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "agent");
    p.setProperty("password", token);
    p.setProperty("sslmode", "require");
    for (int i = 0; i + 1 < extraProperties.length; i += 2) {
      p.setProperty(extraProperties[i], extraProperties[i + 1]);
    }
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + TARGET, p);
  }

  /** A direct connection to the same database as the same backend role: what results are compared against. */
  public Connection direct() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", LocalPostgres.APP_ROLE);
    p.setProperty("password", postgres.password(LocalPostgres.APP_ROLE).reveal());
    return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), p);
  }

  public Connection admin() throws SQLException {
    return postgres.adminConnection(DATABASE);
  }

  private static void createDatabase(LocalPostgres postgres) throws SQLException {
    try (Connection c = postgres.adminConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    try (Connection c = postgres.adminConnection(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL)");
      s.execute("INSERT INTO items (name, price) VALUES ('apple', 1.50), ('pear', 2.25), ('semi;colon', 9.99)");
      s.execute("CREATE TABLE secrets (id serial PRIMARY KEY, note text NOT NULL)");
      s.execute("INSERT INTO secrets (note) VALUES ('never through the gateway')");
      s.execute("CREATE TABLE scratch (id serial PRIMARY KEY, v text)");
      s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + LocalPostgres.APP_ROLE);
      s.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + LocalPostgres.APP_ROLE);
      s.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + LocalPostgres.APP_ROLE);
    }
  }

  private void close() {
    try {
      await(gateway.stop());
      await(vertx.close()); // from this thread, not composed: see ServeCommand
    } catch (Exception ignored) {
      // the JVM is exiting
    }
    issuer.shutdown();
  }

  /** {@code work/policies}, holding a copy of each test resource named (by its file name). */
  static Path policiesDir(Path work, String... resources) throws IOException {
    Path policies = Files.createDirectories(work.resolve("policies"));
    for (String resource : resources) {
      try (InputStream in = GatewayHarness.class.getResourceAsStream(resource)) {
        Files.copy(in, policies.resolve(Path.of(resource).getFileName().toString()));
      }
    }
    return policies;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * {@code INSERT INTO scratch (v) VALUES (?)} with {@code value} bound, as a prepared statement (so the gateway sees
   * the extended protocol and Bind values); a refusal fails with the driver's exception as the cause, also through
   * {@code CompletableFuture.supplyAsync(() -> insertScratch(c, v)).get()}.
   */
  public static int insertScratch(Connection c, String value) {
    try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (v) VALUES (?)")) {
      ps.setString(1, value);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** Like {@link #await}, but a failed future throws its own failure (so a test can assert on its type). */
  static <T> T outcome(Future<T> future) throws Exception {
    try {
      return await(future);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
