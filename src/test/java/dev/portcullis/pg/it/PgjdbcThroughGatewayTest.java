package dev.portcullis.pg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.events.SessionEvent;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;

/** pgjdbc (extended protocol) through the gateway to a real PostgreSQL. */
class PgjdbcThroughGatewayTest {
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.standard();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  static Connection connect(String extra) throws SQLException {
    return DriverManager.getConnection(gw.jdbcUrl(extra));
  }

  static Connection direct() throws SQLException {
    return gw.postgres.adminConnection();
  }

  static long count(Connection c, String table) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void selectAndSessionEvents() throws Exception {
    try (Connection c = connect("assumeMinServerVersion=9.0&ApplicationName=jdbc-test");
        ResultSet rs = c.createStatement().executeQuery("select 41 + 1")) {
      rs.next();
      assertEquals(42, rs.getInt(1));
    }
    SessionEvent started = gw.events(dev.portcullis.events.EventType.SESSION_STARTED).stream()
        .filter(e -> "jdbc-test".equals(e.details().get("applicationName"))).findFirst()
        .orElseThrow(() -> new AssertionError(gw.events.toString()));
    assertEquals(true, started.details().get("tls"));
    assertEquals(List.of(GatewayFixture.POLICY), started.details().get("policies"));
    assertTrue(gw.events("statement.decided").stream().anyMatch(e -> "select 41 + 1".equals(e.details().get("text"))
        && "extended".equals(e.details().get("queryProtocol")) && "allow".equals(e.details().get("decision"))));
    String sessionId = started.session().sessionId();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    SessionEvent ended = null;
    while (ended == null) { // the gateway publishes it when it sees the client's Terminate
      assertTrue(System.nanoTime() < deadline, "no session.ended");
      ended = gw.events("session.ended").stream().filter(e -> e.session().sessionId().equals(sessionId))
          .findFirst().orElse(null);
      Thread.onSpinWait();
    }
    assertEquals("client terminated", ended.details().get("reason"));
    assertTrue((Long) ended.details().get("statements") >= 1);
  }

  @Test
  void deniedStatementGets42501WithTheExactMessageAndTheSessionGoesOn() throws Exception {
    try (Connection c = connect("")) {
      PSQLException e = assertThrows(PSQLException.class,
          () -> c.createStatement().executeQuery("select * from forbidden_marker"));
      assertEquals("42501", e.getSQLState());
      assertEquals(GatewayFixture.deniedMessage("select on public.forbidden_marker is denied"), e.getServerErrorMessage().getMessage());
      try (ResultSet rs = c.createStatement().executeQuery("select 7")) {
        rs.next();
        assertEquals(7, rs.getInt(1));
      }
    }
  }

  @Test
  void reviewDecisionIsRefusedSayingApprovalIsRequired() throws Exception {
    try (Connection c = connect("")) {
      PSQLException e = assertThrows(PSQLException.class,
          () -> c.createStatement().execute("select * from review_marker"));
      assertEquals("42501", e.getSQLState());
      assertTrue(e.getServerErrorMessage().getMessage().matches("portcullis: approval required by rule 'review-marker' "
          + "of policy 'pg-it': select on public.review_marker needs approval by db-owners; approval \\S+ was "
          + "requested: run exactly the same statement again after it is approved \\(within 15m of the approval\\)"),
          e.getServerErrorMessage().getMessage());
    }
    assertTrue(gw.events("statement.decided").stream().anyMatch(ev -> "review".equals(ev.details().get("decision"))));
  }

  @Test
  void deniedStatementAbortsTheTransactionAndCommitRollsBack() throws Exception {
    try (Connection c = connect("")) {
      c.createStatement().execute("create table pgterm_tx_t (v int)");
      c.createStatement().execute("begin");
      c.createStatement().execute("insert into pgterm_tx_t values (1)");
      assertEquals("42501", assertThrows(PSQLException.class,
          () -> c.createStatement().execute("select * from forbidden_marker")).getSQLState());
      assertEquals("25P02", assertThrows(PSQLException.class,
          () -> c.createStatement().execute("select 1")).getSQLState());
      c.createStatement().execute("commit /* pgterm_tx_t */");
      assertEquals(0, count(c, "pgterm_tx_t"));
    }
    String commitId = gw.events("statement.decided").stream()
        .filter(e -> "commit /* pgterm_tx_t */".equals(e.details().get("text")))
        .map(e -> (String) e.details().get("statementId")).findFirst().orElseThrow();
    assertEquals("ROLLBACK", gw.events("statement.completed").stream()
        .filter(e -> commitId.equals(e.details().get("statementId")))
        .map(e -> e.details().get("commandTag")).findFirst().orElseThrow(), "the server turned COMMIT into ROLLBACK");
  }

  @Test
  void namedStatementsAfterPrepareThreshold() throws Exception {
    try (Connection c = connect("prepareThreshold=2");
        PreparedStatement ok = c.prepareStatement("select ?::int * 2");
        PreparedStatement bad = c.prepareStatement("select ?::text from forbidden_marker")) {
      for (int i = 0; i < 8; i++) {
        ok.setInt(1, i);
        try (ResultSet rs = ok.executeQuery()) {
          rs.next();
          assertEquals(2 * i, rs.getInt(1));
        }
        bad.setString(1, "x");
        assertEquals("42501", assertThrows(PSQLException.class, bad::executeQuery).getSQLState());
      }
    }
    long judgedOk = gw.events("statement.decided").stream()
        .filter(e -> "select $1::int * 2".equals(e.details().get("text"))).count();
    assertTrue(judgedOk >= 1 && judgedOk < 8, "named statement judged once per Parse, not per execution: " + judgedOk);
  }

  @Test
  void batchesAndADeniedStatementInABatchBehaveLikeAFailingOne() throws Exception {
    try (Connection c = connect(""); Connection d = direct()) {
      c.createStatement().execute("create table pgterm_batch_t (v int)");
      try (PreparedStatement ps = c.prepareStatement("insert into pgterm_batch_t values (?)")) {
        for (int i = 0; i < 200; i++) {
          ps.setInt(1, i);
          ps.addBatch();
        }
        assertEquals(200, ps.executeBatch().length);
      }
      assertEquals(200, count(c, "pgterm_batch_t"));
      d.createStatement().execute("create table pgterm_batch_ref (v int)");
      List<Long> outcome = new ArrayList<>();
      for (Object[] run : new Object[][] {{c, "pgterm_batch_t", "select * from forbidden_marker"},
          {d, "pgterm_batch_ref", "select 1/0"}}) {
        Connection conn = (Connection) run[0];
        long before = count(conn, (String) run[1]);
        Statement s = conn.createStatement();
        s.addBatch("insert into " + run[1] + " values (1000)");
        s.addBatch((String) run[2]);
        s.addBatch("insert into " + run[1] + " values (1001)");
        assertThrows(BatchUpdateException.class, s::executeBatch);
        outcome.add(count(conn, (String) run[1]) - before);
        try (ResultSet rs = conn.createStatement().executeQuery("select 5")) {
          rs.next();
          assertEquals(5, rs.getInt(1));
        }
      }
      assertEquals(outcome.get(1), outcome.get(0), "rows kept: gateway vs a real error on the server");
    }
  }

  @Test
  void cancelReachesTheBackend() throws Exception {
    try (Connection c = connect(""); Connection d = direct()) {
      Statement s = c.createStatement();
      CompletableFuture<SQLException> running = CompletableFuture.supplyAsync(() -> {
        try {
          s.execute("select pg_sleep(30)");
          return null;
        } catch (SQLException e) {
          return e;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!sleeping(d)) {
        assertTrue(System.nanoTime() < deadline, "pg_sleep never started");
        Thread.onSpinWait();
      }
      s.cancel();
      SQLException e = running.get(10, TimeUnit.SECONDS);
      assertEquals("57014", e.getSQLState());
      try (ResultSet rs = c.createStatement().executeQuery("select 3")) {
        rs.next();
        assertEquals(3, rs.getInt(1));
      }
    }
  }

  private static boolean sleeping(Connection d) throws SQLException {
    try (ResultSet rs = d.createStatement().executeQuery(
        "select count(*) from pg_stat_activity where state = 'active' and query like 'select pg_sleep%'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  @Test
  void copyInAndOut() throws Exception {
    try (Connection c = connect("")) {
      c.createStatement().execute("create table pgterm_copy_t (id int, name text)");
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      StringBuilder data = new StringBuilder();
      for (int i = 0; i < 5000; i++) {
        data.append(i).append('\t').append("name-").append(i).append('\n');
      }
      long in = copy.copyIn("copy pgterm_copy_t from stdin",
          new ByteArrayInputStream(data.toString().getBytes(StandardCharsets.UTF_8)));
      assertEquals(5000, in);
      StringWriter out = new StringWriter();
      long rows = copy.copyOut("copy (select * from pgterm_copy_t order by id) to stdout", out);
      assertEquals(5000, rows);
      assertEquals(data.toString(), out.toString());
      assertEquals("42501", assertThrows(PSQLException.class, () -> copy.copyIn("copy forbidden_marker from stdin",
          new ByteArrayInputStream("1\n".getBytes(StandardCharsets.UTF_8)))).getSQLState());
      assertEquals(5000, count(c, "pgterm_copy_t"));
      try (Connection admin = gw.postgres.adminConnection();
          ResultSet rs = admin.createStatement().executeQuery("select count(*) from forbidden_marker")) {
        rs.next();
        assertEquals(0, rs.getInt(1), "the denied COPY wrote nothing");
      }
    }
  }

  @Test
  void sqlLevelPreparedStatementsTravelWithEveryJudgement() throws Exception {
    // The real engine judges EXECUTE as the statement it runs, from the session's map: an unknown name is denied.
    try (Connection c = connect("")) {
      c.createStatement().execute("prepare sq1 as select 11");
      c.createStatement().execute("prepare sq2 as select 12");
      assertEquals(11, single(c, "execute sq1"));
      c.createStatement().execute("deallocate sq1");
      PSQLException gone = assertThrows(PSQLException.class, () -> c.createStatement().execute("execute sq1"));
      assertEquals("42501", gone.getSQLState());
      assertEquals("portcullis: EXECUTE of unknown prepared statement 'sq1'", gone.getServerErrorMessage().getMessage());
      assertEquals(12, single(c, "execute sq2"));
      c.createStatement().execute("deallocate all");
      assertEquals("portcullis: EXECUTE of unknown prepared statement 'sq2'", assertThrows(PSQLException.class,
          () -> c.createStatement().execute("execute sq2")).getServerErrorMessage().getMessage());
    }
  }

  private static int single(Connection c, String sql) throws SQLException {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
