package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy corpus ({@code e2e/corpus.txt}) end to end: real clients, through the real gateway, to the real
 * database. Denied messages must leave the database exactly as it was; allowed ones must answer exactly what a
 * direct connection answers — including statements a regex filter would wrongly block.
 */
class PolicyCorpusEndToEndTest {
  private static GatewayHarness harness;
  private static Connection simple;
  private static Connection extended;
  private static Connection direct;
  private static Connection admin;

  @BeforeAll
  static void connect() throws Exception {
    harness = GatewayHarness.get();
    String token = harness.token("corpus-agent", "agents");
    simple = harness.connect(token, "preferQueryMode", "simple");
    extended = harness.connect(token, "prepareThreshold", "1");
    direct = harness.direct();
    admin = harness.admin();
  }

  @AfterAll
  static void close() throws SQLException {
    for (Connection c : new Connection[] {simple, extended, direct, admin}) {
      if (c != null) {
        c.close();
      }
    }
  }

  static Stream<String> denied() throws IOException {
    return corpus("deny");
  }

  static Stream<String> allowed() throws IOException {
    return corpus("allow");
  }

  @ParameterizedTest(name = "simple protocol refuses: {0}")
  @MethodSource("denied")
  void refusedAsOneQueryMessage(String sql) throws Exception {
    assertRefusedWithoutEffect(simple, sql);
  }

  @ParameterizedTest(name = "extended protocol refuses: {0}")
  @MethodSource("denied")
  void refusedThroughTheExtendedProtocol(String sql) throws Exception {
    assertRefusedWithoutEffect(extended, sql);
  }

  @ParameterizedTest(name = "simple protocol answers as direct: {0}")
  @MethodSource("allowed")
  void allowedAsOneQueryMessage(String sql) throws Exception {
    assertEquals(rows(direct, sql), rows(simple, sql));
  }

  @ParameterizedTest(name = "extended protocol answers as direct: {0}")
  @MethodSource("allowed")
  void allowedThroughTheExtendedProtocol(String sql) throws Exception {
    assertEquals(rows(direct, sql), rows(extended, sql));
  }

  private static void assertRefusedWithoutEffect(Connection through, String sql) throws Exception {
    DatabaseState before = DatabaseState.of(admin);
    SQLException e = assertThrows(SQLException.class, () -> {
      try (Statement s = through.createStatement()) {
        s.execute(sql);
      }
    });
    assertEquals("42501", e.getSQLState(), () -> "expected a policy refusal, got: " + e);
    assertTrue(e.getMessage().contains("portcullis: "), e::getMessage);
    assertEquals(before, DatabaseState.of(admin), "a refused statement changed the database");
    // The session stays usable after a refusal.
    assertEquals(List.of(List.of("ok"), List.of("1")), rows(through, "SELECT 1 AS ok"));
  }

  /** Every row of every result of the message, as text. */
  private static List<List<String>> rows(Connection c, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      boolean isResult = s.execute(sql);
      while (true) {
        if (isResult) {
          try (ResultSet rs = s.getResultSet()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> header = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
              header.add(md.getColumnLabel(i));
            }
            rows.add(header);
            while (rs.next()) {
              List<String> row = new ArrayList<>();
              for (int i = 1; i <= md.getColumnCount(); i++) {
                row.add(rs.getString(i));
              }
              rows.add(row);
            }
          }
        } else if (s.getUpdateCount() == -1) {
          break;
        }
        isResult = s.getMoreResults();
      }
    }
    return rows;
  }

  private static Stream<String> corpus(String decision) throws IOException {
    try (InputStream in = PolicyCorpusEndToEndTest.class.getResourceAsStream("/e2e/corpus.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.split("\t", 2))
          .filter(parts -> parts[0].equals(decision))
          .map(parts -> parts[1])
          .toList()
          .stream();
    }
  }
}
