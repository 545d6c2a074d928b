package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitAndFingerprintTest {
  private final SqlAnalyzer analyzer = new PostgresSqlAnalyzer();

  private List<String> fingerprints(String sql) {
    return analyzer.split(sql).stream().map(LexedStatement::fingerprint).toList();
  }

  private List<String> texts(String sql) {
    return analyzer.split(sql).stream().map(LexedStatement::text).toList();
  }

  @Test
  void splitsOnTopLevelSemicolonsAndDropsEmptyStatements() {
    assertEquals(List.of("SELECT 1", "select 2"), texts(" SELECT 1 ;; ;select 2;\n-- trailing comment\n"));
    assertEquals(List.of(), texts(" ; /* only a comment */ ;"));
  }

  @Test
  void nestedBlockCommentHidesSemicolon() {
    assertEquals(List.of("select ? from t"), fingerprints("select 1 /* a /* b */ ; */ from t"));
  }

  @Test
  void backslashIsOrdinaryInStandardStrings() {
    // 'a\' is a complete string; the rest is SQL, so the server sees three statements
    assertEquals(List.of("select ?", "drop table x"), fingerprints("select 'a\\'; DROP TABLE x; --'"));
  }

  @Test
  void escapeStringsHonourBackslash() {
    assertEquals(List.of("select ?", "select ?"), fingerprints("select E'\\'; drop table x; --'; select 2"));
    assertEquals(List.of("select ?"), fingerprints("select e'it''s \\\\'"));
  }

  @Test
  void dollarQuotesHideSemicolonsAndQuotes() {
    assertEquals(List.of("select ?, ?"), fingerprints("select $$ ; ' $$, $body$ $$ ; \" $body$"));
    assertEquals(List.of("select $1, ?"), fingerprints("select $1, $a$x$a$"));
  }

  @Test
  void identifierWithDollarIsNotADollarQuote() {
    assertEquals(List.of("select a$b$ from t", "drop table y"), fingerprints("select a$b$ from t; drop table y"));
  }

  @Test
  void unicodeIdentifiersDecode() {
    assertEquals(List.of("select \"data\" from t"), fingerprints("select U&\"d\\0061t\\+000061\" from t"));
    assertEquals(fingerprints("select \"data\" from t"), fingerprints("select U&\"d\\0061t\\+000061\" from t"));
    assertEquals(fingerprints("select \"data\" from t"), fingerprints("select U&\"d!0061ta\" UESCAPE '!' from t"));
  }

  @Test
  void stringContinuationAcrossNewlineIsOneLiteral() {
    assertEquals(List.of("select ?"), fingerprints("select 'a'\n  'b'"));
    assertEquals(List.of("select ?"), fingerprints("select 'a' -- c\n'b'"));
    assertEquals(List.of("select ?"), fingerprints("select 'a'\n-- ;\n'b;'"));
  }

  @Test
  void unterminatedInputIsALexError() {
    for (String bad : List.of("select 'abc", "select E'abc\\'", "select \"x", "select /* a /* b */",
        "select $q$ body $Q$", "select U&\"x", "select \"\"")) {
      SqlLexException e = assertThrows(SqlLexException.class, () -> analyzer.split(bad), bad);
      assertTrue(e.getMessage().length() > 10, e.getMessage());
    }
  }

  @Test
  void sameShapeWithDifferentLiteralsSharesAFingerprint() {
    assertEquals(fingerprints("SELECT a, b FROM t WHERE x = 42 AND y = 'abc'"),
        fingerprints("select  a,b  from T where x=7 and y = $$q$$ -- hi"));
    assertEquals(List.of("select a, b from t where x = ? and y = ?"),
        fingerprints("SELECT a, b FROM t WHERE x = 42 AND y = 'abc'"));
  }

  @Test
  void differentIdentifiersDiffer() {
    assertNotEquals(fingerprints("select a from t"), fingerprints("select a from u"));
    assertNotEquals(fingerprints("select a from \"T\""), fingerprints("select a from t"));
    assertNotEquals(fingerprints("select a from t"), fingerprints("select \"a\" from t"));
  }

  @Test
  void explainOptionsStayInTheFingerprint() {
    assertNotEquals(fingerprints("EXPLAIN SELECT * FROM t"), fingerprints("EXPLAIN ANALYZE SELECT * FROM t"));
    assertNotEquals(fingerprints("EXPLAIN (costs off) SELECT 1"), fingerprints("EXPLAIN (analyze) SELECT 1"));
  }

  @Test
  void operatorsStopAtCommentStarts() {
    assertEquals(List.of("select ? + ?", "drop table t"), fingerprints("select 1 +-- c\n 2; drop table t"));
    assertEquals(List.of("select ? * ?"), fingerprints("select 1 */* ; */ 2"));
  }

  @Test
  void questionMarkOperatorsCannotBeConfusedWithLiterals() {
    assertEquals(List.of("select * from t where j OPERATOR(?) ? and k OPERATOR(?|) array[?]"),
        fingerprints("select * from t where j ? 'a' and k ?| array['b']"));
    assertNotEquals(fingerprints("select a ? 1"), fingerprints("select a ? ?"));
  }
}
