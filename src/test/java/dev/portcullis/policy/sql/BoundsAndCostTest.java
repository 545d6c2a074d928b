package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.StatementKind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hostile sizes and depths must be refused quickly and without StackOverflowError; plus a cost measurement. */
class BoundsAndCostTest {
  private static final Logger LOG = LoggerFactory.getLogger(BoundsAndCostTest.class);
  private final SqlAnalyzer analyzer = new PostgresSqlAnalyzer();

  private StatementAnalysis analyzeOne(String sql) {
    List<LexedStatement> statements = analyzer.split(sql);
    assertEquals(1, statements.size());
    return analyzer.analyze(statements.get(0));
  }

  @Test
  void fiveThousandNestedParenthesesAreRefusedQuickly() {
    String sql = "SELECT " + "(".repeat(5000) + "1" + ")".repeat(5000);
    StatementAnalysis a = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> analyzeOne(sql));
    assertFalse(a.understood());
    assertTrue(a.unsupported().contains("nested deeper than"), a.unsupported());
  }

  @Test
  void hundredNestedSubqueriesAreRefusedQuickly() {
    String sql = nested(100);
    StatementAnalysis a = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> analyzeOne(sql));
    assertFalse(a.understood());
    assertTrue(a.unsupported().contains("nested deeper than"), a.unsupported());
  }

  private static String nested(int levels) {
    String sql = "SELECT * FROM secrets";
    for (int i = 0; i < levels; i++) {
      sql = "SELECT * FROM (" + sql + ") x" + i;
    }
    return sql;
  }

  @Test
  void modestNestingIsStillUnderstood() {
    String sql = nested(3);
    StatementAnalysis a = analyzeOne(sql);
    assertTrue(a.understood(), a.unsupported());
    assertEquals(Set.of("public.secrets"), a.tables());
  }

  @Test
  void deepExpressionsWithoutParenthesesNeverOverflowTheStack() {
    // NOT NOT NOT … and CASE chains recurse in a parser without any parenthesis to count
    String nots = "SELECT 1 FROM t WHERE " + "NOT ".repeat(20000) + "true";
    String cases = "SELECT " + "CASE WHEN a THEN ".repeat(3000) + "1" + " END".repeat(3000) + " FROM t";
    String minus = "SELECT " + "- ".repeat(20000) + "1 FROM t";
    for (String sql : List.of(nots, cases, minus)) {
      StatementAnalysis a = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> analyzeOne(sql));
      assertFalse(a.understood());
      assertTrue(a.unsupported().contains("deeper than") || a.unsupported().contains("in a row"), a.unsupported());
    }
    // below the bound, JSqlParser's own recursion still runs on a big stack and a caught StackOverflowError
    String cases60 = "SELECT " + "CASE WHEN a THEN ".repeat(60) + "1" + " END".repeat(60) + " FROM t";
    StatementAnalysis a = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> analyzeOne(cases60));
    if (a.understood()) {
      assertEquals(Set.of("public.t"), a.tables());
    }
  }

  @Test
  void overlongStatementIsRefused() {
    SqlAnalyzer small = new PostgresSqlAnalyzer(1000, 64, 2000);
    String sql = "SELECT " + "1, ".repeat(400) + "1 FROM t";
    StatementAnalysis a = small.analyze(small.split(sql).get(0));
    assertFalse(a.understood());
    assertTrue(a.unsupported().contains("longer than 1000"), a.unsupported());
  }

  @Test
  void hugeMessageSplitsInLinearTime() {
    String sql = "SELECT 'x;y', $$a;b$$, /* c; */ 1 FROM t;".repeat(20000);
    List<LexedStatement> statements = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> analyzer.split(sql));
    assertEquals(20000, statements.size());
  }

  @Test
  void costOfSplitAndAnalyzeForA200CharSelect() {
    String sql = "SELECT o.id, o.total, c.name, c.email FROM orders o JOIN customers c ON c.id = o.customer_id "
        + "WHERE o.created_at > now() - interval '7 days' AND o.status = 'shipped' ORDER BY o.total DESC LIMIT 50";
    assertTrue(sql.length() >= 190 && sql.length() <= 220, "length " + sql.length());
    LexedStatement st = analyzer.split(sql).get(0);
    StatementAnalysis a = analyzer.analyze(st);
    assertEquals(Set.of(StatementKind.SELECT), a.kinds());
    assertEquals(Set.of("public.orders", "public.customers"), a.tables());
    for (int i = 0; i < 50000; i++) { // warm-up
      analyzer.split(sql);
    }
    for (int i = 0; i < 300; i++) {
      analyzer.analyze(st);
    }
    int n = 20000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      analyzer.split(sql);
    }
    long splitNanos = (System.nanoTime() - t0) / n;
    int m = 500;
    t0 = System.nanoTime();
    for (int i = 0; i < m; i++) {
      analyzer.analyze(st);
    }
    long analyzeNanos = (System.nanoTime() - t0) / m;
    LOG.info("cost for a {}-char SELECT: split {} µs, analyze {} µs", sql.length(), splitNanos / 1000.0,
        analyzeNanos / 1000.0);
    System.out.printf("cost for a %d-char SELECT: split %.1f µs, analyze %.1f µs%n", sql.length(),
        splitNanos / 1000.0, analyzeNanos / 1000.0);
  }
}
