package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalService;
import dev.portcullis.audit.Await;
import dev.portcullis.identity.Identity;
import dev.portcullis.testing.ClientRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * Statements that wait for a person, on one gateway with the journal (no Kafka): pgjdbc and psql sessions hold,
 * approvers decide through the gateway's approval service, and nothing runs that was not approved. Policy:
 * {@code e2e/policies/approvals.yaml}.
 */
class ApprovalEndToEndTest {
  private static final Identity OWNER = identity("owner-1", "owners");
  private static GatewayHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = GatewayHarness.get();
  }

  @Test
  void pgjdbcInsertWaitsAndRunsOnceWithExactlyTheApprovedValues() throws Exception {
    String value = "held-" + UUID.randomUUID();
    String agent = "agent-" + UUID.randomUUID();
    try (Connection c = harness.connect(harness.token(agent, "held-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      ApprovalRequest r = awaitRequest(x -> x.parameters().contains(value));
      assertEquals("INSERT INTO scratch (v) VALUES ($1)", r.text());
      assertEquals(List.of(value), r.parameters());
      assertEquals(agent, r.requester());
      assertEquals("scratch-writes-wait", r.rule());
      assertEquals(List.of("owners"), r.approverGroups());
      assertEquals(0, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"), "nothing runs while held");
      assertFalse(insert.isDone());

      ApprovalDecision d = GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, true, "looks fine"));
      assertEquals(ApprovalDecision.Outcome.APPROVED, d.outcome());
      assertEquals(1, insert.get(20, TimeUnit.SECONDS));
      assertEquals(1, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"));
      // the session goes on as usual
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
        rs.next();
        assertEquals(42, rs.getInt(1));
      }
      assertThrows(ApprovalRefusedException.class, () -> GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, true, null)),
          "a second decision changes nothing");
      Await.until(Duration.ofSeconds(10), () -> journal("approvals.decisions").contains(r.approvalId())
          && journal("approvals.requests").contains(r.approvalId()), () -> "approval events in the journal");
      String requests = journal("approvals.requests");
      assertTrue(requests.contains("\"sessionId\""), requests);
    }
  }

  @Test
  void redactedLiteralsStayHiddenFromApproversButTheExactValuesRun() throws Exception {
    String value = "quiet-" + UUID.randomUUID();
    try (Connection c = harness.connect(harness.token("quiet-agent", "quiet-agents"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> GatewayHarness.insertScratch(c, value));
      ApprovalRequest r = awaitRequest(x -> x.requester().equals("quiet-agent"));
      assertEquals(r.fingerprint(), r.text());
      assertEquals(List.of("?"), r.parameters());
      GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, true, null));
      assertEquals(1, insert.get(20, TimeUnit.SECONDS));
      assertEquals(1, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"));
      Await.until(Duration.ofSeconds(10), () -> journal("approvals.requests").contains(r.approvalId()),
          () -> "request in the journal");
      assertFalse(journal("approvals.requests").contains(value), "the bound value reached the approvals topic");
    }
  }

  @Test
  void clientCancelWithdrawsTheHeldStatement() throws Exception {
    String value = "canceled-" + UUID.randomUUID();
    try (Connection c = harness.connect(harness.token("impatient-agent", "held-agents"));
        PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (v) VALUES (?)")) {
      ps.setString(1, value);
      ps.setQueryTimeout(2); // pgjdbc sends a CancelRequest when it passes
      PSQLException e = assertThrows(PSQLException.class, ps::executeUpdate);
      assertEquals("57014", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("waiting for approval"), e.getMessage());
      Await.until(Duration.ofSeconds(10), () -> service().pending().stream()
          .noneMatch(x -> x.parameters().contains(value)), () -> "the request withdrawn");
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        assertTrue(rs.next(), "the session goes on");
      }
    }
    Await.until(Duration.ofSeconds(10), () -> journal("approvals.decisions").contains("\"withdrawn\""),
        () -> "withdrawal in the journal");
    assertEquals(0, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"));
  }

  @Test
  void pipelinedBatchAsksForEachBoundValueInOrder() throws Exception {
    String tag = "batch-" + UUID.randomUUID();
    try (Connection c = harness.connect(harness.token("batch-agent", "held-agents"))) {
      CompletableFuture<int[]> batch = CompletableFuture.supplyAsync(() -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (v) VALUES (?)")) {
          ps.setString(1, tag + "-1");
          ps.addBatch();
          ps.setString(1, tag + "-2");
          ps.addBatch();
          return ps.executeBatch();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      ApprovalRequest first = awaitRequest(x -> x.parameters().contains(tag + "-1"));
      assertTrue(service().pending().stream().noneMatch(x -> x.parameters().contains(tag + "-2")),
          "the second Execute waits behind the first");
      GatewayHarness.outcome(service().decide(first.approvalId(), OWNER, true, null));
      ApprovalRequest second = awaitRequest(x -> x.parameters().contains(tag + "-2"));
      GatewayHarness.outcome(service().decide(second.approvalId(), OWNER, true, null));
      assertEquals(2, batch.get(20, TimeUnit.SECONDS).length);
      assertEquals(List.of(tag + "-1", tag + "-2"), strings(
          "SELECT v FROM scratch WHERE v LIKE '" + tag + "%' ORDER BY id"));
    }
  }

  @Test
  void psqlGetsTheApproversRefusalAndNothingRuns() throws Exception {
    String value = "denied-" + UUID.randomUUID();
    String token = harness.token("psql-held", "held-agents");
    CompletableFuture<ClientRun> run = CompletableFuture.supplyAsync(() -> psql(token,
        "INSERT INTO scratch (v) VALUES ('" + value + "')"));
    ApprovalRequest r = awaitRequest(x -> x.text().contains(value));
    assertEquals(List.of(), r.parameters());
    GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, false, "not on a Friday"));
    ClientRun out = run.get(20, TimeUnit.SECONDS);
    assertEquals(1, out.exit(), out.output());
    assertTrue(out.output().contains("portcullis: approval " + r.approvalId() + " for rule 'scratch-writes-wait' of "
        + "policy 'held-writes' was denied by owner-1 (via api): not on a Friday"), out.output());
    assertEquals(0, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"));
  }

  @Test
  void psqlAfterApprovalPrintsTheResult() throws Exception {
    String value = "psql-ok-" + UUID.randomUUID();
    String token = harness.token("psql-held", "held-agents");
    CompletableFuture<ClientRun> run = CompletableFuture.supplyAsync(() -> psql(token,
        "INSERT INTO scratch (v) VALUES ('" + value + "') RETURNING v"));
    ApprovalRequest r = awaitRequest(x -> x.text().contains(value));
    GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, true, null));
    ClientRun out = run.get(20, TimeUnit.SECONDS);
    assertEquals(0, out.exit(), out.output());
    assertTrue(out.output().contains(value), out.output());
  }

  @Test
  void requesterAndNonApproversCannotDecide() throws Exception {
    String value = "self-" + UUID.randomUUID();
    try (Connection c = harness.connect(harness.token("self-approver", "held-agents", "owners"))) {
      CompletableFuture<Integer> insert = CompletableFuture.supplyAsync(() -> update(c,
          "INSERT INTO scratch (v) VALUES ('" + value + "')"));
      ApprovalRequest r = awaitRequest(x -> x.text().contains(value));
      ApprovalRefusedException self = assertThrows(ApprovalRefusedException.class,
          () -> GatewayHarness.outcome(service().decide(r.approvalId(), identity("self-approver", "owners"), true, null)));
      assertEquals(ApprovalRefusedException.Kind.FORBIDDEN, self.kind());
      assertTrue(self.getMessage().contains("cannot approve it"), self.getMessage());
      ApprovalRefusedException outsider = assertThrows(ApprovalRefusedException.class,
          () -> GatewayHarness.outcome(service().decide(r.approvalId(), identity("dev-1", "developers"), true, null)));
      assertEquals(ApprovalRefusedException.Kind.FORBIDDEN, outsider.kind());
      assertFalse(insert.isDone());
      GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, false, null));
      ExecutionException e = assertThrows(ExecutionException.class, () -> insert.get(20, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("was denied by owner-1"), e.getCause().getMessage());
    }
    assertEquals(0, count("SELECT count(*) FROM scratch WHERE v = '" + value + "'"));
  }

  @Test
  void unansweredRequestExpiresAndTheSessionStaysUsable() throws Exception {
    try (Connection c = harness.connect(harness.token("slow-agent", "held-agents"))) {
      c.setAutoCommit(false);
      PSQLException e = assertThrows(PSQLException.class,
          () -> c.createStatement().executeUpdate("UPDATE items SET price = price + 1 WHERE id = 1"));
      assertEquals("42501", e.getSQLState());
      assertTrue(e.getServerErrorMessage().getMessage().matches(
          "portcullis: approval \\S+ for rule 'item-updates-expire' of policy 'held-writes' expired: no decision "
              + "within 2s; the statement did not run"), e.getServerErrorMessage().getMessage());
      c.rollback(); // the refusal aborted the transaction, as a failed statement would
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT price FROM items WHERE id = 1")) {
        rs.next();
        assertEquals("1.50", rs.getBigDecimal(1).toPlainString(), "nothing ran");
      }
    }
  }

  @Test
  void retryModeRefusesAtOnceThenRunsTheApprovedStatementOnce() throws Exception {
    String sql = "DELETE FROM items WHERE name = 'no-such-item-" + UUID.randomUUID() + "'";
    try (Connection c = harness.connect(harness.token("retry-agent", "held-agents"))) {
      PSQLException first = assertThrows(PSQLException.class, () -> c.createStatement().executeUpdate(sql));
      String message = first.getServerErrorMessage().getMessage();
      assertTrue(message.startsWith("portcullis: approval required by rule 'item-deletes-retry'"), message);
      ApprovalRequest r = awaitRequest(x -> x.text().equals(sql));
      assertTrue(message.contains("approval " + r.approvalId() + " was requested"), message);
      assertEquals(ApprovalRequest.Mode.RETRY, r.mode());
      PSQLException again = assertThrows(PSQLException.class, () -> c.createStatement().executeUpdate(sql));
      assertTrue(again.getServerErrorMessage().getMessage().contains(r.approvalId()), "asked again: same request");

      GatewayHarness.outcome(service().decide(r.approvalId(), OWNER, true, null));
      Await.until(Duration.ofSeconds(10), () -> service().pending().stream()
          .noneMatch(x -> x.approvalId().equals(r.approvalId())), () -> "decision applied");
      PSQLException other = assertThrows(PSQLException.class,
          () -> c.createStatement().executeUpdate(sql + " AND id > 0"), "a grant covers exactly what was approved");
      assertFalse(other.getServerErrorMessage().getMessage().contains(r.approvalId()));
      assertEquals(0, c.createStatement().executeUpdate(sql), "the approved statement runs");
      PSQLException once = assertThrows(PSQLException.class, () -> c.createStatement().executeUpdate(sql));
      assertFalse(once.getServerErrorMessage().getMessage().contains(r.approvalId()), "and only once");
    }
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static ApprovalService service() {
    return harness.gateway.approvals();
  }

  private static ApprovalRequest awaitRequest(Predicate<ApprovalRequest> which) throws Exception {
    ApprovalRequest[] found = new ApprovalRequest[1];
    Await.until(Duration.ofSeconds(20), () -> {
      found[0] = service().pending().stream().filter(which).findFirst().orElse(null);
      return found[0] != null;
    }, () -> "a pending request; pending now: " + service().pending());
    return found[0];
  }

  private static Identity identity(String subject, String... groups) {
    return new Identity(subject, List.of(groups), "test", Instant.now().plusSeconds(600));
  }

  private static int update(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection d = harness.direct(); Statement s = d.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> strings(String sql) throws SQLException {
    try (Connection d = harness.direct(); Statement s = d.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  private static String journal(String topic) throws Exception {
    Path file = harness.journalDir.resolve("portcullis." + topic + ".jsonl");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private static ClientRun psql(String token, String sql) {
    try {
      return ClientRun.of(token, "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
          "host=127.0.0.1 port=" + harness.port + " dbname=orders user=agent sslmode=require");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
