package dev.portcullis.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.config.TargetConfig.UpstreamTls;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog against the real PostgreSQL: tables, views, views of views, a materialized view, DDL, failures. */
class PgColumnCatalogTest {
  static final String SCHEMA = "catalog_test";
  static Vertx vertx;
  static LocalPostgres pg;
  PgColumnCatalog catalog;

  @BeforeAll
  static void schema() throws SQLException {
    pg = LocalPostgres.get();
    vertx = Vertx.vertx();
    sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE",
        "CREATE SCHEMA " + SCHEMA,
        "CREATE TABLE " + SCHEMA + ".customers (id int, email text, card text)",
        "CREATE TABLE " + SCHEMA + ".orders (id int, customer_id int, email text)",
        // email_lower computes from email: the documented limit, not linked to it
        "CREATE VIEW " + SCHEMA + ".customer_emails AS SELECT c.id, c.email, lower(c.email) AS email_lower"
            + " FROM " + SCHEMA + ".customers c JOIN " + SCHEMA + ".orders o ON o.customer_id = c.id"
            + " AND o.email = c.email",
        "CREATE VIEW " + SCHEMA + ".vip_emails AS SELECT email FROM " + SCHEMA + ".customer_emails WHERE id < 10",
        "CREATE MATERIALIZED VIEW " + SCHEMA + ".card_snapshot AS SELECT id, card FROM " + SCHEMA + ".customers");
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void closeCatalog() throws Exception {
    if (catalog != null) {
      await(catalog.close());
    }
  }

  private PgColumnCatalog open(TargetConfig target, PgColumnCatalog.Options options) {
    catalog = new PgColumnCatalog(vertx, target, options);
    return catalog;
  }

  private PgColumnCatalog open() {
    return open(pg.target("orders"), PgColumnCatalog.Options.defaults());
  }

  @Test
  void namesTableViewAndMaterializedViewColumnsWithTheBaseColumnsTheyExpose() throws Exception {
    ColumnRef email = ref("customers", "email");
    ColumnRef card = ref("customers", "card");
    ColumnRef viewEmail = ref("customer_emails", "email");
    ColumnRef viewLower = ref("customer_emails", "email_lower");
    ColumnRef vipEmail = ref("vip_emails", "email");
    ColumnRef snapshotCard = ref("card_snapshot", "card");
    ColumnRef expression = new ColumnRef(0, (short) 0);
    PgColumnCatalog catalog = open();

    Map<ColumnRef, ColumnOrigin> origins = await(catalog.resolve(
        Set.of(email, card, viewEmail, viewLower, vipEmail, snapshotCard, expression)));

    assertEquals(ColumnOrigin.of("catalog_test.customers.email"), origins.get(email));
    assertEquals(ColumnOrigin.of("catalog_test.customers.card"), origins.get(card));
    // the view joins on orders.email without selecting it: linked too by its name (masks more, never less)
    assertEquals(new ColumnOrigin("catalog_test.customer_emails.email",
        List.of("catalog_test.customers.email", "catalog_test.orders.email")), origins.get(viewEmail));
    assertEquals(ColumnOrigin.of("catalog_test.customer_emails.email_lower"), origins.get(viewLower));
    assertEquals(new ColumnOrigin("catalog_test.vip_emails.email", List.of("catalog_test.customer_emails.email",
        "catalog_test.customers.email", "catalog_test.orders.email")), origins.get(vipEmail));
    assertEquals(new ColumnOrigin("catalog_test.card_snapshot.card", List.of("catalog_test.customers.card")),
        origins.get(snapshotCard));
    assertFalse(origins.containsKey(expression), "OID 0 is not looked up");
    assertEquals(6, origins.size());
    assertEquals(1, catalog.lookups(), "one query for the whole batch");
  }

  @Test
  void viewDepthIsBounded() throws Exception {
    ColumnRef vipEmail = ref("vip_emails", "email");
    PgColumnCatalog.Options shallow = PgColumnCatalog.Options.defaults();
    shallow = new PgColumnCatalog.Options(shallow.maxEntries(), shallow.ttl(), shallow.idleTimeout(),
        shallow.lookupTimeout(), 1);
    Map<ColumnRef, ColumnOrigin> origins = await(open(pg.target("orders"), shallow).resolve(Set.of(vipEmail)));
    assertEquals(List.of("catalog_test.customer_emails.email"), origins.get(vipEmail).baseColumns());
  }

  @Test
  void cachedNamesAreServedWithoutAQueryUntilTheyExpire() throws Exception {
    ColumnRef email = ref("customers", "email");
    ColumnRef card = ref("customers", "card");
    AtomicLong now = new AtomicLong();
    catalog = new PgColumnCatalog(vertx, pg.target("orders"),
        PgColumnCatalog.Options.defaults().withTtl(Duration.ofMinutes(5)), now::get);

    await(catalog.resolve(Set.of(email, card)));
    Map<ColumnRef, ColumnOrigin> again = await(catalog.resolve(Set.of(email)));
    assertEquals(ColumnOrigin.of("catalog_test.customers.email"), again.get(email));
    assertEquals(1, catalog.lookups());

    now.addAndGet(Duration.ofMinutes(5).toNanos() + 1);
    assertEquals(ColumnOrigin.of("catalog_test.customers.card"), await(catalog.resolve(Set.of(card))).get(card));
    assertEquals(2, catalog.lookups(), "an expired name is looked up again");
  }

  @Test
  void theCacheIsBounded() throws Exception {
    Set<ColumnRef> three = Set.of(ref("customers", "id"), ref("customers", "email"), ref("customers", "card"));
    PgColumnCatalog catalog = open(pg.target("orders"), PgColumnCatalog.Options.defaults().withMaxEntries(2));
    await(catalog.resolve(three));
    assertEquals(3, await(catalog.resolve(three)).size());
    assertEquals(2, catalog.lookups(), "only two of the three names were kept");
  }

  @Test
  void concurrentResolvesShareOneLookupAndEachCallerContinuesOnItsOwnContext() throws Exception {
    Set<ColumnRef> refs = Set.of(ref("customers", "email"), ref("orders", "email"));
    PgColumnCatalog catalog = open();
    Context first = vertx.getOrCreateContext();
    Context second = vertx.getOrCreateContext();

    Future<Boolean> a = resolveOn(first, catalog, refs);
    Future<Boolean> b = resolveOn(second, catalog, refs);
    Future<Map<ColumnRef, ColumnOrigin>> c = catalog.resolve(refs);

    assertTrue(await(a), "continued on the first caller's context");
    assertTrue(await(b), "continued on the second caller's context");
    assertEquals(2, await(c).size());
    assertEquals(1, catalog.lookups());
  }

  private static Future<Boolean> resolveOn(Context context, ColumnCatalog catalog, Set<ColumnRef> refs) {
    Promise<Boolean> onOwnContext = Promise.promise();
    context.runOnContext(v -> catalog.resolve(refs).onComplete(result -> onOwnContext.complete(
        result.succeeded() && result.result().size() == refs.size() && Vertx.currentContext() == context)));
    return onOwnContext.future();
  }

  @Test
  void invalidateShowsARenamedColumnAndADroppedTableIsAbsent() throws Exception {
    sql("CREATE TABLE " + SCHEMA + ".renamed (id int, secret text)",
        "CREATE TABLE " + SCHEMA + ".dropped (id int, secret text)");
    ColumnRef renamed = ref("renamed", "secret");
    ColumnRef dropped = ref("dropped", "secret");
    PgColumnCatalog catalog = open();
    assertEquals(2, await(catalog.resolve(Set.of(renamed, dropped))).size());

    sql("ALTER TABLE " + SCHEMA + ".renamed RENAME COLUMN secret TO api_token", "DROP TABLE " + SCHEMA + ".dropped");
    assertEquals("catalog_test.renamed.secret", await(catalog.resolve(Set.of(renamed))).get(renamed).qualifiedName(),
        "cached until invalidated");
    catalog.invalidate();
    Map<ColumnRef, ColumnOrigin> after = await(catalog.resolve(Set.of(renamed, dropped)));
    assertEquals(Map.of(renamed, ColumnOrigin.of("catalog_test.renamed.api_token")), after);
    assertEquals(2, catalog.lookups());

    await(catalog.resolve(Set.of(dropped)));
    assertEquals(3, catalog.lookups(), "what the catalog does not know is not cached");
  }

  @Test
  void aLookupRunningWhenInvalidated_AnswersItsCallerButIsNotCached() throws Exception {
    ColumnRef email = ref("customers", "email");
    PgColumnCatalog catalog = open();
    // a fresh pool must still connect and authenticate: invalidate() runs long before that lookup answers
    Future<Map<ColumnRef, ColumnOrigin>> running = catalog.resolve(Set.of(email));
    catalog.invalidate();
    assertEquals(1, await(running).size());
    await(catalog.resolve(Set.of(email)));
    assertEquals(2, catalog.lookups());
  }

  @Test
  void objectsOnTheRolesSearchPathCannotShadowTheLookup() throws Exception {
    // an agent with CREATE on a schema of its search path could otherwise answer the lookup with its own operators
    String role = "catalog_shadow";
    Secret password = new Secret("catalog-shadow-test-password");
    sql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password.reveal() + "'",
        "GRANT USAGE ON SCHEMA " + SCHEMA + " TO " + role,
        "ALTER ROLE " + role + " SET search_path = " + SCHEMA + ", pg_catalog",
        "CREATE FUNCTION " + SCHEMA + ".never(int2, int2) RETURNS boolean LANGUAGE sql AS 'SELECT false'",
        "CREATE OPERATOR " + SCHEMA + ".= (LEFTARG = int2, RIGHTARG = int2, FUNCTION = " + SCHEMA + ".never)");
    try {
      ColumnRef email = ref("customers", "email");
      TargetConfig app = pg.target("orders");
      PgColumnCatalog catalog = open(new TargetConfig(app.name(), app.type(), app.host(), app.port(), app.database(),
          role, password, UpstreamTls.disabled(), false), PgColumnCatalog.Options.defaults());
      assertEquals(ColumnOrigin.of("catalog_test.customers.email"), await(catalog.resolve(Set.of(email))).get(email));
    } finally {
      sql("DROP OPERATOR " + SCHEMA + ".= (int2, int2)", "DROP FUNCTION " + SCHEMA + ".never(int2, int2)");
    }
  }

  @Test
  void anUnreachableTargetFailsTheLookupWithAClearMessage() throws Exception {
    Secret password = pg.password(LocalPostgres.APP_ROLE);
    TargetConfig closedPort = new TargetConfig("orders", "postgres", "127.0.0.1", closedPort(),
        LocalPostgres.DATABASE, LocalPostgres.APP_ROLE, password, UpstreamTls.disabled(), false);
    PgColumnCatalog catalog = open(closedPort, PgColumnCatalog.Options.defaults());

    String message = failure(catalog.resolve(Set.of(new ColumnRef(16384, (short) 1))));
    assertEquals("cannot name the result columns from the catalog of target 'orders': cannot reach the target"
        + " (connection refused or timed out)", message);
    assertFalse(message.contains(password.reveal()));
  }

  @Test
  void aRefusedLoginFailsWithTheServersReasonAndNoCredential() throws Exception {
    Secret wrong = new Secret("not-the-password-7f3a");
    PgColumnCatalog catalog = open(pg.target("orders", LocalPostgres.APP_ROLE, wrong, false),
        PgColumnCatalog.Options.defaults());
    String message = failure(catalog.resolve(Set.of(new ColumnRef(16384, (short) 1))));
    assertTrue(message.contains("28P01"), message);
    assertFalse(message.contains(wrong.reveal()), message);
  }

  @Test
  void usesTheTargetsTlsSettings() throws Exception {
    Path ca = pg.enableTls();
    ColumnRef email = ref("customers", "email");

    PgColumnCatalog verified = open(tlsTarget("localhost", UpstreamTls.Mode.VERIFY_FULL, ca),
        PgColumnCatalog.Options.defaults());
    assertEquals(1, await(verified.resolve(Set.of(email))).size());
    assertEquals(1, count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)"
        + " WHERE a.application_name = 'portcullis-catalog' AND s.ssl AND a.backend_type = 'client backend'"));
    await(verified.close());

    // the server certificate names only "localhost"; without the CA the JVM's trust store does not trust it
    for (TargetConfig wrong : List.of(tlsTarget("127.0.0.1", UpstreamTls.Mode.VERIFY_FULL, ca),
        tlsTarget("localhost", UpstreamTls.Mode.VERIFY_FULL, null))) {
      String message = failure(open(wrong, PgColumnCatalog.Options.defaults()).resolve(Set.of(email)));
      assertTrue(message.contains("TLS to the target failed"), message);
      await(catalog.close());
    }
    catalog = open(tlsTarget("127.0.0.1", UpstreamTls.Mode.REQUIRE, null), PgColumnCatalog.Options.defaults());
    assertEquals(1, await(catalog.resolve(Set.of(email))).size(), "require encrypts without verifying");
  }

  private static TargetConfig tlsTarget(String host, UpstreamTls.Mode mode, Path ca) {
    TargetConfig t = pg.target("orders");
    return new TargetConfig(t.name(), t.type(), host, t.port(), t.database(), t.username(), t.password(),
        new UpstreamTls(mode, ca), false);
  }

  private static String failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    assertInstanceOf(PgColumnCatalog.LookupFailedException.class, e.getCause());
    return e.getCause().getMessage();
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static ColumnRef ref(String relation, String column) throws SQLException {
    try (Connection c = pg.adminConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT attrelid::int8, attnum FROM pg_attribute WHERE attrelid = ?::regclass AND attname = ?")) {
      s.setString(1, SCHEMA + "." + relation);
      s.setString(2, column);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next(), relation + "." + column);
        return new ColumnRef((int) rs.getLong(1), rs.getShort(2));
      }
    }
  }

  private static long count(String query) throws SQLException {
    try (Connection c = pg.adminConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection c = pg.adminConnection(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
