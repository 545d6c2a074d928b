package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.masking.MaskStrategy;
import dev.portcullis.testing.LocalPostgres;
import dev.portcullis.testing.PortcullisProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4's "a 1,000,000-row result streams through with flat memory": {@code serve --config} in its own JVM with a
 * 64 MB heap (and 64 MB of direct memory), in front of a table of a million rows whose ~40-byte e-mail column a
 * policy masks. The whole result is read through it with a pgjdbc cursor (fetch size 1000, binary results) and at
 * once (no fetch size: one Execute for the whole result, text results). Buffering the result anywhere in the gateway
 * would need more than its heap: the raw rows alone are ~55 MB on the wire. Every row must arrive, every e-mail be
 * masked exactly as the strategy says, the gateway must still run without an OutOfMemoryError, and {@code
 * statement.completed} must count a million masked values.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MaskingStreamTest {
  private static final String TARGET = "stream";
  private static final String DATABASE = "masking_stream";
  private static final String ISSUER_ID = "masking-stream";
  private static final String PASSWORD_ENV = "PORTCULLIS_TEST_BACKEND_PASSWORD";
  private static final int ROWS = 1_000_000;
  private static final List<String> GATEWAY_JVM = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m");
  private static final String SQL = "SELECT id, email FROM contacts";
  private static final MaskStrategy PARTIAL = MaskStrategy.of("partial", null);
  /** A collection in the GC log: {@code Pause Young (…) 53M->29M(64M)} (remark and cleanup pauses free nothing). */
  private static final Pattern GC_LINE =
      Pattern.compile("Pause (?:Young|Full).* (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  private static LocalPostgres postgres;
  private static MockOAuth2Server issuer;
  private static PortcullisProcess gateway;
  private static int port;
  private static Path journal;
  private static Path gcLog;

  @BeforeAll
  static void start() throws Exception {
    postgres = LocalPostgres.get();
    createDatabase();
    issuer = new MockOAuth2Server();
    issuer.start();
    Path work = Files.createTempDirectory("portcullis-masking-stream");
    GatewayHarness.policiesDir(work, "/e2e/masking/stream.yaml");
    journal = work.resolve("journal");
    gcLog = work.resolve("gc.log");
    port = GatewayHarness.freePort();
    Path config = work.resolve("gateway.yaml");
    Files.writeString(config, """
        gatewayId: masking-stream
        listen: { postgres: { host: 127.0.0.1, port: %d } }
        oidc: { issuer: "%s", audience: portcullis }
        targets:
          %s: { type: postgres, host: 127.0.0.1, port: %d, database: %s, username: %s, passwordEnv: %s,
                tls: { mode: disable } }
        policies: policies
        events:
          sink: journal
          journal: { dir: journal }
        """.formatted(port, issuer.issuerUrl(ISSUER_ID), TARGET, postgres.port(), DATABASE, LocalPostgres.APP_ROLE,
        PASSWORD_ENV));
    List<String> jvm = new java.util.ArrayList<>(GATEWAY_JVM);
    jvm.add("-Xlog:gc:file=" + gcLog);
    gateway = PortcullisProcess.start("masking-stream-gateway",
        Map.of(PASSWORD_ENV, postgres.password(LocalPostgres.APP_ROLE).reveal()), jvm,
        "serve", "--config", config.toString()).awaitOutput("Portcullis listening on");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gateway != null) {
        gateway.close();
      }
    } finally {
      if (issuer != null) {
        issuer.shutdown();
      }
    }
  }

  private static void createDatabase() throws SQLException {
    try (Connection c = postgres.adminConnection(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + DATABASE);
    }
    try (Connection c = postgres.adminConnection(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE contacts (id int NOT NULL, email text NOT NULL)");
      // 39 bytes each, e.g. customer0000042@example-mail-domain.com; raw() below builds the same text.
      s.execute("INSERT INTO contacts SELECT i, 'customer' || lpad(i::text, 7, '0') || '@example-mail-domain.com'"
          + " FROM generate_series(1, " + ROWS + ") AS i");
      s.execute("ANALYZE contacts");
      s.execute("GRANT SELECT ON contacts TO " + LocalPostgres.APP_ROLE);
    }
  }

  private static String raw(int id) {
    String digits = Integer.toString(id);
    return "customer" + "0000000".substring(digits.length()) + digits + "@example-mail-domain.com";
  }

  private static Connection agent(String subject, boolean binary) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "agent");
    p.setProperty("password", issuer.issueToken(ISSUER_ID, subject, "portcullis",
        Map.of("groups", List.of("agents"))).serialize());
    p.setProperty("sslmode", "require");
    p.setProperty("socketTimeout", "120"); // a stalled stream fails the test instead of hanging it
    if (binary) {
      p.setProperty("prepareThreshold", "-1"); // server-prepared from the first use: binary results
    }
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + TARGET, p);
  }

  @Test
  void aCursorReadsAMillionMaskedRowsThroughA64MegabyteGateway() throws Exception {
    String subject = "stream-cursor";
    long gcFrom = gcLines();
    long started = System.nanoTime();
    try (Connection c = agent(subject, true)) {
      c.setAutoCommit(false); // pgjdbc only uses a portal with a row limit inside a transaction
      try (Statement s = c.createStatement()) {
        s.setFetchSize(1000);
        try (ResultSet rs = s.executeQuery(SQL)) {
          assertEveryRowMasked(rs);
        }
      }
      c.commit();
    }
    report("cursor, fetch size 1000, binary", started, gcFrom);
    assertGatewayHealthy();
    assertMillionMaskedValuesCounted(subject);
  }

  @Test
  void theWholeResultAtOnceStreamsThroughTheGatewayToo() throws Exception {
    String subject = "stream-whole";
    long gcFrom = gcLines();
    long started = System.nanoTime();
    // No fetch size: one Execute for all rows, which pgjdbc (in this test's JVM) keeps in memory; the gateway must
    // still pass them on one by one.
    try (Connection c = agent(subject, false); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SQL)) {
      assertEveryRowMasked(rs);
    }
    report("whole result, no fetch size, text", started, gcFrom);
    assertGatewayHealthy();
    assertMillionMaskedValuesCounted(subject);
  }

  /** Reads the result to its end: each id 1..ROWS exactly once, each e-mail exactly its partial mask. */
  private static void assertEveryRowMasked(ResultSet rs) throws SQLException {
    BitSet seen = new BitSet(ROWS + 1);
    int rows = 0;
    boolean sampled = false;
    while (rs.next()) {
      int id = rs.getInt(1);
      String email = rs.getString(2);
      String raw = raw(id);
      if (!sampled) {
        // The strategy as documented: letters and digits before the last four become '*', the rest stays.
        assertEquals("***************@*******-****-*****n.com", email, "row " + id);
        sampled = true;
      }
      if (!email.equals(PARTIAL.maskText(raw)) || email.equals(raw) || email.contains("customer")
          || email.chars().anyMatch(Character::isDigit)) {
        throw new AssertionError("row " + id + ": e-mail not masked as 'partial': " + email);
      }
      assertFalse(seen.get(id), "id " + id + " twice");
      seen.set(id);
      rows++;
    }
    assertEquals(ROWS, rows, "rows through the gateway");
    assertEquals(ROWS, seen.cardinality());
    assertEquals(1, seen.nextSetBit(0));
    assertEquals(ROWS, seen.previousSetBit(ROWS));
  }

  private static void assertGatewayHealthy() {
    assertTrue(gateway.isAlive(), "the gateway exited:\n" + gateway.output());
    assertFalse(gateway.output().contains("OutOfMemoryError"), "the gateway ran out of memory:\n" + gateway.output());
  }

  /**
   * The query's statement.completed counts the whole result — every row and every masked value — however many
   * Executes it took: with a fetch size pgjdbc runs the portal 1000 rows at a time (PortalSuspended after each
   * chunk), and its last Execute finds no rows left ({@code SELECT 0}).
   */
  private static void assertMillionMaskedValuesCounted(String subject) throws Exception {
    List<JsonObject> events = awaitSessionEnd(subject);
    String statementId = events.stream()
        .filter(e -> "statement.decided".equals(e.getString("type")) && SQL.equals(e.getString("text")))
        .map(e -> e.getString("statementId")).findFirst()
        .orElseThrow(() -> new AssertionError("no statement.decided for the query: " + events));
    List<JsonObject> completed = events.stream()
        .filter(e -> "statement.completed".equals(e.getString("type"))
            && statementId.equals(e.getString("statementId")))
        .toList();
    assertEquals(1, completed.size(), "one statement.completed for the query: " + events);
    JsonObject event = completed.get(0);
    assertEquals(ROWS, event.getLong("rows"), "rows of the query's statement.completed: " + event.encode());
    JsonArray masked = event.getJsonArray("masked");
    assertTrue(masked != null && masked.size() == 1, "one masked column in " + event.encode());
    JsonObject email = masked.getJsonObject(0);
    assertEquals("public.contacts.email", email.getString("column"), email.encode());
    assertEquals("emails", email.getString("rule"), email.encode());
    assertEquals("partial", email.getString("strategy"), email.encode());
    assertEquals(ROWS, email.getLong("values"), email.encode());
  }

  /** Waits (bounded) until the journal holds the subject's session.ended; the writer is asynchronous. */
  private static List<JsonObject> awaitSessionEnd(String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<JsonObject> found = List.of();
    Path file = journal.resolve("portcullis.sessions.jsonl");
    while (System.nanoTime() < deadline) {
      found = (Files.exists(file) ? Files.readString(file) : "").lines().map(JsonObject::new)
          .filter(e -> Objects.equals(subject, e.getJsonObject("identity").getString("subject"))).toList();
      if (found.stream().anyMatch(e -> "session.ended".equals(e.getString("type")))) {
        return found;
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling a file another process writes: there is no event to await
    }
    throw new AssertionError("no session.ended for " + subject + " in " + found);
  }

  private static long gcLines() throws Exception {
    return Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
  }

  /** Prints the run time and the gateway's heap (from its GC log) while this pass ran. */
  private static void report(String pass, long started, long gcFrom) throws Exception {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    List<String> lines = Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of();
    long gcs = 0;
    long maxBefore = 0;
    long minAfter = Long.MAX_VALUE;
    long maxAfter = 0;
    for (String line : lines.subList((int) Math.min(gcFrom, lines.size()), lines.size())) {
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        gcs++;
        maxBefore = Math.max(maxBefore, kib(m.group(1), m.group(2)));
        minAfter = Math.min(minAfter, kib(m.group(3), m.group(4)));
        maxAfter = Math.max(maxAfter, kib(m.group(3), m.group(4)));
      }
    }
    System.out.printf("MaskingStreamTest %s: %,d rows in %,d ms; gateway %s: %d collections, heap before them"
        + " at most %,d KiB, after them %,d..%,d KiB%n", pass, ROWS, millis, GATEWAY_JVM, gcs, maxBefore,
        gcs == 0 ? 0 : minAfter, maxAfter);
  }

  private static long kib(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "G" -> v << 20;
      case "M" -> v << 10;
      default -> v;
    };
  }
}
