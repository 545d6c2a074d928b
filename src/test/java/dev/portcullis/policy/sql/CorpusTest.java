package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.StatementKind;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

/** Runs every case of {@code corpus.yaml} (the data-driven corpus the end-to-end tests reuse). */
class CorpusTest {
  private static final SqlAnalyzer ANALYZER = new PostgresSqlAnalyzer();

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> corpus() {
    try (InputStream in = CorpusTest.class.getResourceAsStream("corpus.yaml")) {
      assertNotNull(in, "corpus.yaml");
      return (List<Map<String, Object>>) new Yaml().load(in);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> corpusCases() {
    List<Map<String, Object>> cases = corpus();
    assertTrue(cases.size() >= 45, "corpus has " + cases.size() + " cases");
    return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> check(c)));
  }

  @SuppressWarnings("unchecked")
  private static void check(Map<String, Object> c) {
    String sql = (String) c.get("sql");
    if (Boolean.TRUE.equals(c.get("lexError"))) {
      assertThrows(SqlLexException.class, () -> ANALYZER.split(sql));
      return;
    }
    List<LexedStatement> statements = ANALYZER.split(sql);
    List<Map<String, Object>> expected = (List<Map<String, Object>>) c.get("statements");
    assertEquals(expected.size(), statements.size(), "statement count of " + sql);
    for (int i = 0; i < expected.size(); i++) {
      Map<String, Object> e = expected.get(i);
      StatementAnalysis a = ANALYZER.analyze(statements.get(i));
      String where = "statement " + i + " '" + statements.get(i).text() + "' → " + a;
      if (e.containsKey("unsupported")) {
        assertFalse(a.understood(), where);
        assertTrue(a.unsupported().contains((String) e.get("unsupported")), where);
        continue;
      }
      assertTrue(a.understood(), where);
      Set<String> kinds =
          a.kinds().stream().map(StatementKind::yamlName).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>((List<String>) e.get("kinds")), kinds, where);
      if (e.containsKey("tables")) {
        assertEquals(new TreeSet<>((List<String>) e.get("tables")), new TreeSet<>(a.tables()), where);
      }
      if (e.containsKey("functions")) {
        assertEquals(new TreeSet<>((List<String>) e.get("functions")), new TreeSet<>(a.functions()), where);
      }
      if (e.containsKey("setting")) {
        assertEquals(e.get("setting"), a.setting(), where);
      }
      if (e.containsKey("prepared")) {
        assertEquals(e.get("prepared"), a.preparedName(), where);
      }
      if (e.containsKey("execute")) {
        assertEquals(e.get("execute"), a.executeName(), where);
      }
    }
  }
}
