package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test against a real PostgreSQL 15 server: the server must see exactly as many statements as
 * {@code split()} does (one simple-protocol Query message each), with the same string values and identifier names.
 */
class LexerAgreesWithPostgresTest {
  private static Connection conn;
  private final SqlAnalyzer analyzer = new PostgresSqlAnalyzer();

  @BeforeAll
  static void startServer() throws Exception {
    // The suite's shared server; simple protocol so that one execute() is exactly one Query message.
    conn = DriverManager.getConnection(LocalPostgres.get().jdbcUrl() + "?preferQueryMode=simple",
        LocalPostgres.ADMIN_USER, LocalPostgres.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stopServer() throws SQLException {
    if (conn != null) {
      conn.close();
    }
  }

  /** The first column of the first row of every result the server returned for one Query message. */
  private static List<String> serverResults(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement st = conn.createStatement()) {
      boolean isResult = st.execute(sql);
      while (true) {
        if (isResult) {
          try (ResultSet rs = st.getResultSet()) {
            rs.next();
            values.add(rs.getMetaData().getColumnLabel(1) + "=" + rs.getString(1));
          }
        } else if (st.getUpdateCount() == -1) {
          return values;
        }
        isResult = st.getMoreResults();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'a\\' AS v; SELECT 2 AS v; --'",
      "SELECT E'a\\'; SELECT 2; --' AS v",
      "SELECT 1 AS v /* a /* b */ ; SELECT 2 */; SELECT 3 AS v",
      "SELECT $$;$$ AS v; SELECT $a$ $$ ; $a$ AS v",
      "SELECT 'a'\n'b' AS v; SELECT 2 AS v",
      "SELECT 'a' -- c;\n 'b' AS v",
      "SELECT 1 +-- c;\n 2 AS v; SELECT 3 AS v",
      "SELECT 2 */* ; */ 3 AS v",
      "SELECT 1 AS a$b$; SELECT 2 AS v",
      "SELECT B'101' AS v, X'ff', N'x'; SELECT U&'\\0041' AS v",
      "SELECT 'a\\nb' AS v; SELECT e'a\\nb' AS v",
      "SELECT $_$;$_$ AS v;;; SELECT 1 AS v",
      "SELECT '--' AS v, '/*' ; SELECT 2 AS v -- */",
  })
  void serverRunsTheStatementsWeSplit(String sql) throws SQLException {
    List<String> server = serverResults(sql);
    List<LexedStatement> ours = analyzer.split(sql);
    assertEquals(server.size(), ours.size(), () -> "server saw " + server + ", we split " + ours);
  }

  @ParameterizedTest
  @ValueSource(strings = {"U&\"d\\0061t\"", "U&\"d!0061t\" UESCAPE '!'", "\"MiXed\"\"q\"", "FoO", "ÉA",
      "U&\"\\+01F600x\"", "a$b", "\"select\""})
  void identifierNamesMatchTheServer(String identifier) throws SQLException {
    String sql = "SELECT 1 AS " + identifier;
    String label = serverResults(sql).get(0);
    PgLexer lexer = new PgLexer(identifier);
    lexer.next();
    assertEquals(label, lexer.identifierValue() + "=1");
  }

  @Test
  void stringsThatDoNotContinueAreErrorsOnTheServerToo() {
    // same line, or a block comment between: two tokens, which the server rejects
    assertThrows(SQLException.class, () -> serverResults("SELECT 'a' 'b'"));
    assertThrows(SQLException.class, () -> serverResults("SELECT 'a' /* c */\n'b'"));
    // a digit cannot start a dollar-quote tag: PostgreSQL 15 reads a parameter and rejects the junk after it
    assertThrows(SQLException.class, () -> serverResults("SELECT $1a$ x $1a$"));
    assertEquals(2, new PgLexerTest().tokenCount("'a' /* c */\n'b'"));
  }

  private static final String[] LITERALS = {"'a;b'", "'it''s;'", "'a\\'", "E'x\\';y'", "E'\\\\'", "$$;'$$",
      "$t$ $$ ; $t$", "'a'\n  'b;'", "'a' -- c;'\n 'b'", "U&'\\0041;'", "B'101'", "X'0A'", "1", "2.5e3",
      "(/* ; /* ; */ ; */ 1)", "e'\\n'", "$_$--;$_$", "'/*'", "'--'", "\"c;\"" + "[1]"};
  private static final String[] GAPS = {" ", "\n", " /* ; */ ", " -- ; '\n", "/* /* ' */ ; */", "\t"};
  private static final String[] SEPARATORS = {";", " ; ", ";/* ; */", ";-- x ; \n", "\n;\n", ";;", "; -- '\n"};

  /**
   * Seeded random messages built from quote, comment and separator fragments: the server must return one result
   * per statement we cut, and each statement we cut must run alone as exactly one statement.
   */
  @Test
  void randomMessagesSplitWhereTheServerDoes() throws SQLException {
    java.util.Random random = new java.util.Random(20261129L);
    for (int n = 0; n < 150; n++) {
      StringBuilder sql = new StringBuilder();
      int statements = 1 + random.nextInt(4);
      for (int k = 0; k < statements; k++) {
        if (k > 0) {
          sql.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
        }
        String literal = LITERALS[random.nextInt(LITERALS.length)];
        if (literal.startsWith("\"")) {
          literal = "(SELECT 1 AS " + literal.substring(0, literal.indexOf('[')) + ")";
        }
        sql.append("SELECT").append(GAPS[random.nextInt(GAPS.length)]).append(literal)
            .append(GAPS[random.nextInt(GAPS.length)]).append("AS v");
      }
      if (random.nextBoolean()) {
        sql.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      String message = sql.toString();
      List<LexedStatement> ours = analyzer.split(message);
      assertEquals(statements, ours.size(), message);
      assertEquals(statements, serverResults(message).size(), message);
      for (LexedStatement st : ours) {
        assertEquals(1, serverResults(st.text()).size(), st.text());
      }
    }
  }
}
