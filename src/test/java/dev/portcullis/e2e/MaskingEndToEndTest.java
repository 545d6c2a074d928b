package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.masking.HashKey;
import dev.portcullis.masking.MaskStrategy;
import dev.portcullis.testing.ClientRun;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Masking end to end (issue 4): the whole gateway in front of the real PostgreSQL, masking policies for group
 * {@code agents}, none for {@code auditors}; results read with pgjdbc (binary transfer), psql (simple protocol,
 * text) and the Vert.x PG client (extended protocol), compared with a direct connection: equal except for exactly
 * the masked values.
 */
class MaskingEndToEndTest {
  private static final String TARGET = "crm";
  private static final String DATABASE = "masking_e2e";
  private static final String ISSUER_ID = "masking";
  private static final String CARD = "4111 1111 1111 1111";

  private static LocalPostgres postgres;
  private static MockOAuth2Server issuer;
  private static Vertx vertx;
  private static Gateway gateway;
  private static int port;
  private static Path journal;
  private static HashKey key;

  @BeforeAll
  static void start() throws Exception {
    postgres = LocalPostgres.get();
    createDatabase();
    issuer = new MockOAuth2Server();
    issuer.start();
    Path work = Files.createTempDirectory("portcullis-masking");
    Path policies = GatewayHarness.policiesDir(work, "/e2e/masking/masking.yaml");
    journal = work.resolve("journal");
    port = GatewayHarness.freePort();
    TargetConfig target = new TargetConfig(TARGET, "postgres", postgres.host(), postgres.port(), DATABASE,
        LocalPostgres.APP_ROLE, postgres.password(LocalPostgres.APP_ROLE), TargetConfig.UpstreamTls.disabled(), false);
    Path keyFile = work.resolve("masking.key");
    GatewayConfig config = new GatewayConfig("masking-e2e",
        new PostgresListenConfig("127.0.0.1", port, null, false, Duration.ofSeconds(5), 50, 1 << 20),
        new OidcConfig(issuer.issuerUrl(ISSUER_ID).toString(), "portcullis", "groups", Duration.ofSeconds(5)),
        Map.of(TARGET, target), policies, new EventsConfig(EventsConfig.Sink.JOURNAL, journal, null), keyFile);
    vertx = Vertx.vertx();
    gateway = GatewayHarness.await(Gateway.start(vertx, config));
    key = HashKey.loadOrCreate(keyFile); // the gateway created it: the test computes the same hashes
  }

  @AfterAll
  static void stop() throws Exception {
    GatewayHarness.await(gateway.stop().compose(v -> vertx.close()));
    issuer.shutdown();
  }

  private static void createDatabase() throws SQLException {
    try (Connection c = postgres.adminConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    try (Connection c = postgres.adminConnection(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, email text, card_number varchar(25), "
          + "ssn text, born date, note text, balance numeric(10,2))");
      s.execute("INSERT INTO customers VALUES "
          + "(1, 'Zoë Åström', 'alice@example.com', '" + CARD + "', '123-45-6789', '1990-01-02', "
          + "'pays with 5555555555554444 monthly', 10.50), "
          + "(2, '山田太郎', 'bob@example.org', '5555-5555-5555-4444', '987-65-4321', NULL, '', 0), "
          + "(3, 'Empty', '', NULL, NULL, NULL, NULL, NULL)");
      s.execute("CREATE VIEW contacts AS SELECT id, email FROM customers");
      s.execute("CREATE TABLE renames (id int, label text)");
      s.execute("INSERT INTO renames VALUES (1, 'plain')");
      s.execute("ALTER TABLE renames OWNER TO " + LocalPostgres.APP_ROLE);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + LocalPostgres.APP_ROLE);
    }
  }

  private static String token(String subject, String group) {
    return issuer.issueToken(ISSUER_ID, subject, "portcullis", Map.of("groups", List.of(group))).serialize();
  }

  private static Connection agent(String subject, String group) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "agent");
    p.setProperty("password", token(subject, group));
    p.setProperty("sslmode", "require");
    p.setProperty("prepareThreshold", "-1"); // server-prepared from the first use: binary results where it can
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + TARGET, p);
  }

  private static Connection direct() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", LocalPostgres.APP_ROLE);
    p.setProperty("password", postgres.password(LocalPostgres.APP_ROLE).reveal());
    p.setProperty("prepareThreshold", "-1");
    return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), p);
  }

  private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  private static String mask(String strategy, String value) {
    return value == null ? null : MaskStrategy.of(strategy, key).maskText(value);
  }

  @Test
  void pgjdbcSeesExactlyTheMaskedValuesChanged() throws Exception {
    String sql = "SELECT id, name, email, card_number, ssn, born, note, balance FROM customers ORDER BY id";
    List<List<Object>> expected;
    try (Connection d = direct()) {
      expected = rows(d, sql);
    }
    List<List<Object>> masked;
    try (Connection c = agent("jdbc-agent", "agents")) {
      masked = rows(c, sql);
      assertEquals(masked, rows(c, sql), "a second run (statement cached, no client Describe) masks the same");
    }
    assertEquals(3, masked.size());
    for (int r = 0; r < expected.size(); r++) {
      List<Object> want = new ArrayList<>(expected.get(r));
      want.set(2, mask("partial", (String) want.get(2)));
      want.set(3, want.get(3) == null ? null : "****");
      want.set(4, mask("hash", (String) want.get(4)));
      want.set(5, null); // a date has no valid masked form: NULL
      assertEquals(want.subList(0, 6), masked.get(r).subList(0, 6), "row " + r);
      assertEquals(want.get(7), masked.get(r).get(7), "balance is untouched, row " + r);
    }
    assertEquals("pays with **** monthly", masked.get(0).get(6), "the card inside the note is found and masked");
    assertEquals("", masked.get(1).get(6));
    assertNull(masked.get(2).get(6));
    assertEquals("Zoë Åström", masked.get(0).get(1));
    assertNotEquals(masked.get(0).get(4), masked.get(1).get(4), "different values hash differently");
  }

  @Test
  void auditorsWithoutMaskingRulesSeeTheRealValues() throws Exception {
    String sql = "SELECT * FROM customers ORDER BY id";
    try (Connection d = direct(); Connection c = agent("auditor", "auditors")) {
      assertEquals(rows(d, sql), rows(c, sql));
    }
  }

  @Test
  void viewsAliasesExpressionsAndNamePatternsAreMasked() throws Exception {
    try (Connection c = agent("shape-agent", "agents")) {
      assertEquals(List.of(List.of(1, mask("partial", "alice@example.com"))),
          rows(c, "SELECT id, email FROM contacts WHERE id = 1"), "a view over a masked column");
      assertEquals(List.of(List.of(mask("partial", "alice@example.com"))),
          rows(c, "SELECT email AS contact FROM customers WHERE id = 1"), "an alias keeps the column's origin");
      assertEquals(List.of(List.of("****")),
          rows(c, "SELECT upper(email) AS shout FROM customers WHERE id = 1"),
          "an expression has no origin: the e-mail classifier still finds the value");
      List<Object> secret = new ArrayList<>();
      secret.add(null);
      assertEquals(List.of(secret), rows(c, "SELECT name AS secret_name FROM customers WHERE id = 1"),
          "a result name matching secret_* is NULL");
      assertEquals(List.of(List.of("****")),
          rows(c, "SELECT e.card_number FROM customers e JOIN contacts k ON k.id = e.id WHERE e.id = 1"),
          "a join");
    }
  }

  @Test
  void aColumnRenamedToAMaskedNameInAnotherSessionIsMaskedAtOnce() throws Exception {
    try (Connection agent = agent("rename-agent", "agents"); Connection owner = agent("rename-owner", "auditors")) {
      assertEquals(List.of(List.of(1, "plain")), rows(agent, "SELECT * FROM renames"), "label: no rule");
      owner.createStatement().execute("ALTER TABLE renames RENAME COLUMN label TO secret");
      // the agent's session had named the column 'label' (cached for a minute): DDL through the gateway
      // reaches it at once
      assertEquals(List.of(List.of(1, "****")), rows(agent, "SELECT * FROM renames"));
    }
  }

  @Test
  void anErrorQuotingAMaskedValueIsScrubbed() throws Exception {
    try (Connection c = agent("error-agent", "agents")) {
      SQLException e = assertThrows(SQLException.class,
          () -> rows(c, "SELECT card_number::bigint FROM customers WHERE id = 1"));
      assertFalse(e.getMessage().contains("4111"), e.getMessage());
      assertTrue(e.getMessage().contains("invalid input syntax"), e.getMessage());
      assertEquals(List.of(List.of(1)), rows(c, "SELECT 1"), "the session goes on");
    }
  }

  @Test
  void copyToStdoutIsMaskedRowByRow() throws Exception {
    try (Connection c = agent("copy-agent", "agents")) {
      org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
      java.io.StringWriter out = new java.io.StringWriter();
      long rows = copy.copyOut("COPY customers (id, name, email, card_number, born, note) TO STDOUT", out);
      assertEquals(3, rows);
      assertEquals(List.of(
              "1\tZoë Åström\t" + mask("partial", "alice@example.com") + "\t****\t\\N\tpays with **** monthly",
              "2\t山田太郎\t" + mask("partial", "bob@example.org") + "\t****\t\\N\t",
              "3\tEmpty\t" + mask("partial", "") + "\t\\N\t\\N\t\\N"),
          out.toString().lines().toList());
      SQLException csv = assertThrows(SQLException.class,
          () -> copy.copyOut("COPY customers TO STDOUT WITH (FORMAT csv)", new java.io.StringWriter()));
      assertTrue(csv.getMessage().contains("allowed only as COPY table [(columns)] TO STDOUT without options"),
          csv.getMessage());
      SQLException query = assertThrows(SQLException.class,
          () -> copy.copyOut("COPY (SELECT email FROM customers) TO STDOUT", new java.io.StringWriter()));
      assertTrue(query.getMessage().contains("allowed only as COPY table"), query.getMessage());
      assertEquals(List.of(List.of(1)), rows(c, "SELECT 1"), "the session goes on");
    }
    ClientRun psql = ClientRun.of(token("psql-copy-agent", "agents"), "psql", "-X", "-c",
        "\\copy customers (id, email) to stdout",
        "host=127.0.0.1 port=" + port + " dbname=" + TARGET + " user=agent sslmode=require");
    assertEquals(0, psql.exit(), psql.output());
    assertEquals(List.of("1\t" + mask("partial", "alice@example.com"), "2\t" + mask("partial", "bob@example.org"),
        "3\t" + mask("partial", "")), psql.output().lines().toList());
  }

  @Test
  void aNotificationPayloadIsScrubbed() throws Exception {
    try (Connection c = agent("listen-agent", "agents"); Connection d = direct()) {
      rows(c, "SELECT 1"); // LISTEN returns no rows; any statement with masking rules turns inspection on
      c.createStatement().execute("LISTEN alerts");
      rows(d, "SELECT pg_notify('alerts', 'charged " + CARD + " for alice@example.com')");
      org.postgresql.PGNotification[] got = null;
      for (int i = 0; i < 50 && (got == null || got.length == 0); i++) {
        // getNotifications(timeout) blocks until one arrives or the timeout passes: no sleep needed
        got = c.unwrap(org.postgresql.PGConnection.class).getNotifications(200);
      }
      assertTrue(got != null && got.length == 1, "one notification");
      assertEquals("alerts", got[0].getName());
      assertEquals("charged **** for ****", got[0].getParameter());
    }
  }

  @Test
  void psqlSimpleProtocolIsMaskedToo() throws Exception {
    ClientRun run = ClientRun.of(token("psql-agent", "agents"), "psql", "-X", "-A", "-t", "-F", "|", "-c",
        "SELECT id, email, card_number, born, balance FROM customers ORDER BY id",
        "host=127.0.0.1 port=" + port + " dbname=" + TARGET + " user=agent sslmode=require");
    assertEquals(0, run.exit(), run.output());
    assertEquals(List.of(
            "1|" + mask("partial", "alice@example.com") + "|****||10.50",
            "2|" + mask("partial", "bob@example.org") + "|****||0.00",
            "3|" + mask("partial", "") + "|||"),
        run.output().lines().toList());
  }

  @Test
  void vertxPgClientExtendedProtocolIsMasked() throws Exception {
    PgConnectOptions connect = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase(TARGET)
        .setUser("agent").setPassword(token("vertx-agent", "agents")).setSslMode(SslMode.REQUIRE)
        .setSslOptions(new ClientSSLOptions().setTrustAll(true));
    Vertx client = Vertx.vertx();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(client).build();
    try {
      for (int i = 0; i < 2; i++) { // the second run reuses the prepared statement without describing it again
        RowSet<Row> rows = GatewayHarness.await(pool
            .preparedQuery("SELECT id, email, ssn, born, balance FROM customers WHERE id = $1")
            .execute(Tuple.of(1)));
        Row row = rows.iterator().next();
        assertEquals(1, row.getInteger("id"));
        assertEquals(mask("partial", "alice@example.com"), row.getString("email"));
        assertEquals(mask("hash", "123-45-6789"), row.getString("ssn"));
        assertNull(row.getLocalDate("born"));
        assertEquals(0, new java.math.BigDecimal("10.50").compareTo(row.getBigDecimal("balance")));
      }
    } finally {
      GatewayHarness.await(pool.close());
      GatewayHarness.await(client.close()); // not composed: a Vertx closing from its own event loop never finishes
    }
  }

  @Test
  void completedEventsNameTheMaskedColumnsAndNoMaskedValueIsPublished() throws Exception {
    String subject = "event-agent";
    try (Connection c = agent(subject, "agents")) {
      rows(c, "SELECT id, email, card_number, born, note FROM customers ORDER BY id");
    }
    List<JsonObject> events = awaitSessionEnd(subject);
    JsonObject completed = events.stream()
        .filter(e -> "statement.completed".equals(e.getString("type")) && e.containsKey("masked"))
        .findFirst().orElseThrow(() -> new AssertionError("no statement.completed with masked columns: " + events));
    JsonArray masked = completed.getJsonArray("masked");
    Map<String, Long> values = new java.util.HashMap<>();
    for (int i = 0; i < masked.size(); i++) {
      JsonObject m = masked.getJsonObject(i);
      values.merge(m.getString("rule") + "/" + m.getString("strategy"), m.getLong("values"), Long::sum);
    }
    assertEquals(Map.of("emails/partial", 3L, "cards/redact", 2L, "birthdays/redact", 1L, "content/redact", 1L),
        values, masked.encode());
    String all = Files.readString(journal.resolve("portcullis.sessions.jsonl"));
    for (String raw : List.of(CARD, "alice@example.com", "123-45-6789", "5555555555554444", "1990-01-02")) {
      assertFalse(all.contains(raw), "a masked value reached the journal: " + raw);
    }
  }

  /** Waits (bounded) until the journal holds the subject's session.ended; the writer is asynchronous. */
  private static List<JsonObject> awaitSessionEnd(String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<JsonObject> found = List.of();
    Path file = journal.resolve("portcullis.sessions.jsonl");
    while (System.nanoTime() < deadline) {
      found = (Files.exists(file) ? Files.readString(file) : "").lines().map(JsonObject::new)
          .filter(e -> Objects.equals(subject, e.getJsonObject("identity").getString("subject"))).toList();
      if (found.stream().anyMatch(e -> "session.ended".equals(e.getString("type")))) {
        return found;
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file: there is no event to await across the fsync
    }
    throw new AssertionError("no session.ended for " + subject + " in " + found);
  }
}
