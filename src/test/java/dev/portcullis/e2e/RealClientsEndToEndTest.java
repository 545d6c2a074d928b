package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testing.ClientRun;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * psql and pgbench (simple protocol, real binaries) through the gateway, token failures as a client sees them, and
 * the audit trail: events for every statement, and no secret in them.
 */
class RealClientsEndToEndTest {
  private static GatewayHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = GatewayHarness.get();
  }

  @Test
  void psqlRunsAllowedStatementsAndGetsThePolicyErrorForDeniedOnes() throws Exception {
    String token = harness.token("psql-agent", "agents");
    ClientRun ok = psql(token, "SELECT name FROM items ORDER BY id");
    assertEquals(0, ok.exit(), ok.output());
    assertEquals("apple\npear\nsemi;colon", ok.output().strip());

    ClientRun denied = psql(token, "SELECT count(*) FROM items; DELETE FROM items");
    assertEquals(1, denied.exit(), denied.output());
    assertTrue(denied.output().contains("portcullis: approval required by rule 'item-writes-need-review' of policy 'agents'"),
        denied.output());
    assertFalse(denied.output().contains("\n3\n"), "no statement of a refused message runs: " + denied.output());
  }

  @Test
  void psqlWithoutTlsIsToldToUseIt() throws Exception {
    ClientRun r = ClientRun.of(harness.token("psql-agent", "agents"), "psql", "-X", "-A", "-t", "-c", "SELECT 1",
        "host=127.0.0.1 port=" + harness.port + " dbname=orders user=agent sslmode=disable");
    assertEquals(2, r.exit(), r.output());
    assertTrue(r.output().contains("FATAL:  portcullis: TLS is required"), r.output());
    assertTrue(r.output().contains("sslmode=require"), r.output());
  }

  @Test
  void pgbenchSelectOnlyRunsThroughTheGateway() throws Exception {
    try (Connection admin = harness.admin(); Statement s = admin.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench");
      s.execute("CREATE TABLE bench (id int PRIMARY KEY, v int)");
      s.execute("INSERT INTO bench SELECT g, g FROM generate_series(1, 1000) g");
      s.execute("GRANT SELECT ON bench TO " + LocalPostgres.APP_ROLE);
    }
    Path script = Files.createTempFile("bench", ".sql");
    Files.writeString(script, "\\set id random(1, 1000)\nSELECT v FROM bench WHERE id = :id;\n");
    for (String mode : List.of("simple", "extended", "prepared")) {
      ClientRun r = ClientRun.of(harness.token("bench-agent", "agents"), "pgbench", "-n", "-c", "4", "-t", "50", "-M", mode,
          "-f", script.toString(), "host=127.0.0.1 port=" + harness.port + " dbname=orders user=agent sslmode=require");
      assertEquals(0, r.exit(), r.output());
      assertTrue(r.output().contains("number of transactions actually processed: 200/200"), r.output());
      assertTrue(r.output().contains("number of failed transactions: 0"), r.output());
    }
  }

  @Test
  void tokenFailuresReachTheClientAs28P01WithTheReasonAndNeverTheToken() throws Exception {
    String expired = harness.issuer.issueToken(GatewayHarness.ISSUER_ID, "late-agent", GatewayHarness.AUDIENCE,
        java.util.Map.of("groups", List.of("agents")), -3600L).serialize();
    String wrongAudience = harness.issuer.issueToken(GatewayHarness.ISSUER_ID, "agent", "someone-else",
        java.util.Map.of("groups", List.of("agents"))).serialize();
    String foreignIssuer = harness.issuer.issueToken("another-issuer", "agent", GatewayHarness.AUDIENCE,
        java.util.Map.of("groups", List.of("agents"))).serialize();
    String valid = harness.token("agent", "agents");
    String tampered = valid.substring(0, valid.lastIndexOf('.') + 1) + "AAAA" + valid.substring(valid.lastIndexOf('.') + 5);
    for (String[] c : new String[][] {{expired, "expired"}, {wrongAudience, "audience"}, {foreignIssuer, "issuer"},
        {tampered, "signature"}, {"not-a-token", "malformed"}}) {
      SQLException e = assertThrows(SQLException.class, () -> harness.connect(c[0]).close());
      assertEquals("28P01", e.getSQLState(), e::getMessage);
      assertTrue(e.getMessage().contains(c[1]), e::getMessage);
      assertFalse(e.getMessage().contains(c[0]), "the token must never be echoed");
    }
  }

  @Test
  void noPolicyForTheIdentityRefusesTheSessionWith28000() {
    SQLException e = assertThrows(SQLException.class,
        () -> harness.connect(harness.token("stranger", "contractors")).close());
    assertEquals("28000", e.getSQLState(), e::getMessage);
    assertTrue(e.getMessage().contains("stranger") && e.getMessage().contains("orders"), e::getMessage);
  }

  @Test
  void everyStatementIsAuditedAndNoSecretReachesTheJournal() throws Exception {
    String token = harness.token("audited-agent", "agents");
    try (Connection c = harness.connect(token); Statement s = c.createStatement()) {
      s.execute("SELECT name FROM items WHERE id = 1");
      assertThrows(SQLException.class, () -> s.execute("SELECT note FROM secrets"));
    }
    List<JsonObject> mine = awaitSessionEnd("audited-agent");
    List<String> types = mine.stream().map(e -> e.getString("type")).toList();
    assertTrue(types.containsAll(List.of("session.started", "statement.decided", "statement.completed")), types::toString);
    JsonObject refused = mine.stream()
        .filter(e -> e.getString("type").equals("statement.decided") && "deny".equals(e.getString("decision")))
        .findFirst().orElseThrow();
    assertEquals("no-secrets", refused.getString("rule"));
    assertEquals(List.of("public.secrets"), refused.getJsonArray("tables").getList());

    String journal = readJournal();
    String backendPassword = harness.postgres.password(LocalPostgres.APP_ROLE).reveal();
    assertFalse(journal.contains(backendPassword), "backend password in the journal");
    assertFalse(journal.contains(token), "token in the journal");
    assertFalse(journal.contains(token.substring(token.lastIndexOf('.') + 1)), "token signature in the journal");
    String logged = harness.loggedText();
    assertFalse(logged.isEmpty(), "the log capture works");
    assertFalse(logged.contains(backendPassword), "backend password in the logs");
    assertFalse(logged.contains(token.substring(token.lastIndexOf('.') + 1)), "token in the logs");
  }

  /** Waits (bounded) until the journal holds the subject's session.ended; the writer is asynchronous. */
  private static List<JsonObject> awaitSessionEnd(String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<JsonObject> found = List.of();
    while (System.nanoTime() < deadline) {
      found = readJournal().lines().map(JsonObject::new)
          .filter(e -> subject.equals(e.getJsonObject("identity").getString("subject"))).toList();
      if (found.stream().anyMatch(e -> "session.ended".equals(e.getString("type")))) {
        return found;
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file: there is no event to await across the fsync
    }
    throw new AssertionError("no session.ended for " + subject + " in " + found);
  }

  private static String readJournal() throws IOException {
    Path file = harness.journalDir.resolve("portcullis.sessions.jsonl");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static ClientRun psql(String token, String sql) throws Exception {
    return ClientRun.of(token, "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
        "host=127.0.0.1 port=" + harness.port + " dbname=orders user=agent sslmode=require");
  }


}
