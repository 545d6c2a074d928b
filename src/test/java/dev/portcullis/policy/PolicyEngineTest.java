package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.sql.LexedStatement;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import dev.portcullis.policy.sql.SqlAnalyzer;
import dev.portcullis.policy.sql.StatementAnalysis;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** End to end: real SQL through the sql helper's analyzer, the sample policies in {@code policies/}. */
class PolicyEngineTest {
  static final ThreadPoolExecutor WORKER = PolicyEngine.boundedExecutor(2, 64);
  static final Identity AGENT = identity("agent-7", "ai-agents");
  static final Identity OWNER = identity("alice", "db-owners");
  static final Identity REPORTING = identity("reporting-job");

  /** Counts analyze() calls, so a test can tell a cache hit from a miss. */
  static final class CountingAnalyzer implements SqlAnalyzer {
    final SqlAnalyzer real = new PostgresSqlAnalyzer();
    final AtomicInteger analyses = new AtomicInteger();

    @Override
    public List<LexedStatement> split(String sql) {
      return real.split(sql);
    }

    @Override
    public StatementAnalysis analyze(LexedStatement statement) {
      analyses.incrementAndGet();
      return real.analyze(statement);
    }
  }

  final CountingAnalyzer analyzer = new CountingAnalyzer();
  final PolicyEngine engine = new PolicyEngine(analyzer, WORKER, 100,
      PolicyLoader.loadDirectory(Path.of("policies")));

  @AfterAll
  static void stop() {
    WORKER.shutdownNow();
  }

  static Identity identity(String subject, String... groups) {
    return new Identity(subject, List.of(groups), "https://idp", Instant.now().plusSeconds(600));
  }

  Judgement judge(Identity who, String sql) {
    return judge(who, sql, Map.of());
  }

  Judgement judge(Identity who, String sql, Map<String, String> prepared) {
    try {
      return engine.judge(new JudgeRequest("s1", who, "orders", sql, prepared)).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void expect(Judgement j, String kind, String rule, String reasonPart) {
    Decision d = j.overall();
    assertEquals(kind, d.getClass().getSimpleName(), d.toString());
    assertEquals(rule, d.rule(), d.toString());
    assertTrue(d.reason().contains(reasonPart), d.reason());
  }

  @Test
  void agentSamplePolicy() {
    expect(judge(AGENT, "SELECT id, total FROM orders WHERE id = 1"), "Allow", "read-public", "public.orders");
    expect(judge(AGENT, "select * from Secrets"), "Deny", "no-secrets", "public.secrets");
    expect(judge(AGENT, "UPDATE orders SET total = 0 WHERE id = 3"), "Review", "writes-need-review", "db-owners");
    expect(judge(AGENT, "DROP TABLE orders"), "Deny", "no-ddl", "ddl");
    expect(judge(AGENT, "BEGIN"), "Allow", null, "by default");
    expect(judge(AGENT, "SHOW work_mem"), "Allow", null, "by default");
    expect(judge(AGENT, "SELECT * FROM pg_stat_activity"), "Deny", null,
        "no rule allows select on pg_catalog.pg_stat_activity");
    expect(judge(AGENT, "SELECT pg_read_file('/etc/passwd')"), "Deny", null, "function 'pg_read_file'");
    expect(judge(AGENT, "SELECT upper(name), now() FROM customers"), "Allow", "read-public", "");
    expect(judge(AGENT, "SET search_path TO evil, public"), "Deny", null, "changing search_path");
    expect(judge(AGENT, "SET ROLE postgres"), "Deny", null, "changing role");
    expect(judge(AGENT, "SET SESSION AUTHORIZATION postgres"), "Deny", null, "session_authorization");
    expect(judge(AGENT, "RESET ROLE"), "Deny", null, "changing role");
    expect(judge(AGENT, "SET client_encoding TO 'SJIS'"), "Deny", null, "client_encoding");
    expect(judge(AGENT, "SELECT 'unterminated"), "Deny", null, "");
    expect(judge(AGENT, "EXPLAIN ANALYZE SELECT * FROM secrets"), "Deny", "no-secrets", "");
    expect(judge(AGENT, "EXPLAIN SELECT * FROM orders"), "Allow", "read-public", "");
    expect(judge(AGENT, "DO $$ BEGIN PERFORM 1; END $$"), "Deny", null, "cannot analyze statement: ");
    expect(judge(AGENT, "COPY orders TO '/tmp/x'"), "Deny", null, "cannot analyze statement: ");
    expect(judge(AGENT, "SELECT * FROM orders FOR UPDATE"), "Review", "writes-need-review", "");
    expect(judge(AGENT, "SELECT * INTO copy_of_orders FROM orders"), "Deny", "no-ddl", "");
    expect(judge(AGENT, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"), "Allow", null, "by default");
    expect(judge(AGENT, "DEALLOCATE ALL"), "Allow", null, "by default");
    expect(judge(AGENT, "SET work_mem = '1MB'"), "Deny", null, "no rule allows set");
    // What drivers send on their own after connecting (pgjdbc: SET application_name) needs no rule…
    expect(judge(AGENT, "SET application_name = 'PostgreSQL JDBC Driver'"), "Allow", null, "by default");
    expect(judge(AGENT, "SET TIME ZONE 'UTC'"), "Allow", null, "by default");
    expect(judge(AGENT, "RESET statement_timeout"), "Allow", null, "by default");
    // …but only those settings, and only alone.
    expect(judge(AGENT, "SET application_name = 'x'; SET work_mem = '1MB'"), "Deny", null, "no rule allows set");
    expect(judge(AGENT, "CALL cleanup()"), "Deny", null, "function 'cleanup'");
    expect(judge(AGENT, " ; ;"), "Allow", null, "empty query");
  }

  @Test
  void dataModifyingCteNeedsBothKinds() {
    Judgement j = judge(AGENT, "WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING *) SELECT * FROM d");
    assertEquals(java.util.Set.of(StatementKind.SELECT, StatementKind.DELETE), j.statements().get(0).kinds());
    expect(j, "Review", "writes-need-review", "");
    // the reporting job may read orders but has no rule for delete at all
    expect(judge(REPORTING, "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d"), "Deny", null,
        "no rule allows select, delete on public.orders");
  }

  @Test
  void ownersMayCallAnyFunctionWhereTheirRuleMatches() {
    expect(judge(OWNER, "SELECT nextval('orders_id_seq') FROM orders"), "Allow", "read-write-public", "");
    expect(judge(AGENT, "SELECT nextval('orders_id_seq') FROM orders"), "Deny", null, "function 'nextval'");
    expect(judge(OWNER, "SELECT * FROM pg_stat_activity"), "Allow", "catalogs", "");
    expect(judge(OWNER, "SELECT set_config('search_path', 'secret', false) FROM orders"), "Deny", null,
        "function 'set_config' is not allowed");
    expect(judge(OWNER, "GRANT ALL ON orders TO public"), "Deny", "no-dcl", "");
  }

  @Test
  void multiStatementMessageIsRefusedAsAWhole() {
    Judgement j = judge(AGENT, "SELECT 1 FROM orders; DROP TABLE orders; DELETE FROM orders");
    assertEquals(3, j.statements().size());
    expect(j, "Deny", "no-ddl", "");
    assertTrue(j.statements().get(0).decision().allowed());
    assertEquals("Review", j.statements().get(2).decision().getClass().getSimpleName());
    assertFalse(j.allowed());
    Judgement ok = judge(AGENT, "BEGIN; SELECT * FROM orders; COMMIT;");
    assertEquals(3, ok.statements().size());
    assertTrue(ok.allowed());
  }

  @Test
  void executeIsJudgedAsThePreparedStatement() {
    Judgement j = judge(AGENT, "EXECUTE p1(5)", Map.of("p1", "PREPARE p1 (int) AS DELETE FROM orders WHERE id = $1"));
    expect(j, "Review", "writes-need-review", "delete, prepare on public.orders");
    assertTrue(j.statements().get(0).kinds().contains(StatementKind.DELETE));
    assertEquals(List.of("public.orders"), j.statements().get(0).tables());
    expect(judge(AGENT, "EXECUTE p1", Map.of("p1", "DELETE FROM secrets")), "Deny", "no-secrets", "");
    expect(judge(AGENT, "EXECUTE nope"), "Deny", null, "EXECUTE of unknown prepared statement 'nope'");
    Judgement inMessage = judge(AGENT, "PREPARE p2 AS SELECT * FROM secrets; EXECUTE p2");
    assertEquals(2, inMessage.statements().size());
    assertEquals("p2", inMessage.statements().get(0).preparedName());
    assertEquals("no-secrets", inMessage.statements().get(1).decision().rule());
    expect(judge(AGENT, "EXECUTE p1(pg_read_file('/etc/passwd'))", Map.of("p1", "SELECT * FROM orders")),
        "Deny", null, "pg_read_file");
  }

  @Test
  void executeIsNeverCachedAcrossSessions() {
    expect(judge(AGENT, "EXECUTE p(1)", Map.of("p", "SELECT * FROM orders WHERE id = $1")), "Allow",
        "read-public", "");
    expect(judge(AGENT, "EXECUTE p(1)", Map.of("p", "DELETE FROM orders WHERE id = $1")), "Review",
        "writes-need-review", "");
  }

  @Test
  void cacheHitsOnSameShapeAndMissesAfterReload() {
    judge(AGENT, "SELECT * FROM orders WHERE id = 1");
    int afterFirst = analyzer.analyses.get();
    CompletableFuture<Judgement> second = engine.judge(new JudgeRequest("s2", AGENT, "orders",
        "select *   from ORDERS where id = 987654", Map.of())).toCompletableFuture();
    assertTrue(second.isDone(), "a cache hit answers synchronously");
    assertEquals(afterFirst, analyzer.analyses.get());
    expect(second.join(), "Allow", "read-public", "");
    assertTrue(second.join().statements().get(0).text().contains("987654"), "text as received");
    long version = engine.policies().version();
    engine.install(engine.policies().policies());
    assertEquals(version + 1, engine.policies().version());
    judge(AGENT, "SELECT * FROM orders WHERE id = 1");
    assertEquals(afterFirst + 1, analyzer.analyses.get(), "a reload must not serve old decisions");
  }

  @Test
  void redactLiteralsPublishesTheFingerprint() {
    Judgement j = judge(REPORTING, "SELECT * FROM orders WHERE card = '4111111111111111'");
    expect(j, "Allow", "read-orders", "");
    assertFalse(j.statements().get(0).text().contains("4111"), j.statements().get(0).text());
    assertEquals(j.statements().get(0).fingerprint(), j.statements().get(0).text());
  }

  @Test
  void busyWorkerDeniesInsteadOfQueueing() {
    PolicyEngine busy = new PolicyEngine(analyzer, r -> {
      throw new RejectedExecutionException("full");
    }, 10, engine.policies().policies());
    Judgement j = busy.judge(new JudgeRequest("s", AGENT, "orders", "SELECT 1", Map.of())).toCompletableFuture()
        .join();
    expect(j, "Deny", null, "gateway busy");
  }

  @Test
  void analyzerCrashFailsClosed() {
    SqlAnalyzer broken = new SqlAnalyzer() {
      @Override
      public List<LexedStatement> split(String sql) {
        throw new IllegalStateException("boom");
      }

      @Override
      public StatementAnalysis analyze(LexedStatement statement) {
        throw new IllegalStateException("boom");
      }
    };
    PolicyEngine e = new PolicyEngine(broken, WORKER, 10, engine.policies().policies());
    expect(e.judge(new JudgeRequest("s", AGENT, "orders", "SELECT 1", Map.of())).toCompletableFuture().join(),
        "Deny", null, "internal error");
  }

  @Test
  void admission() {
    Admission yes = engine.admit(new AdmitRequest(OWNER, "orders"));
    assertTrue(yes.admitted());
    assertEquals(List.of("db-owners"), yes.policies());
    Admission no = engine.admit(new AdmitRequest(identity("ci-bot", "a", "b"), "orders"));
    assertFalse(no.admitted());
    assertEquals("no policy grants subject 'ci-bot' (groups: a, b) access to target 'orders'", no.reason());
    assertFalse(engine.admit(new AdmitRequest(AGENT, "billing")).admitted());
    expect(judge(identity("ci-bot"), "SELECT 1"), "Deny", null, "no policy grants subject 'ci-bot' (no groups)");
  }
}
