package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The SELECT masking describes for a COPY … TO STDOUT: only the plain table form, as written, gets one. */
class CopyOutQueryTest {
  private final PostgresSqlAnalyzer analyzer = new PostgresSqlAnalyzer();

  private String copyOut(String sql) {
    StatementAnalysis a = analyzer.analyze(analyzer.split(sql).get(0));
    assertNull(a.unsupported(), sql);
    return a.copyOutQuery();
  }

  @Test
  void aTableWithOrWithoutColumnsBecomesTheSelectOfTheSameColumns() {
    assertEquals("SELECT * FROM \"customers\"", copyOut("COPY customers TO STDOUT"));
    assertEquals("SELECT * FROM \"crm\".\"Customers\"", copyOut("copy crm.\"Customers\" to stdout"));
    assertEquals("SELECT \"id\", \"E\"\"mail\" FROM \"customers\"",
        copyOut("COPY customers (ID, \"E\"\"mail\") TO STDOUT"));
  }

  @Test
  void anythingTheRowRewriteCannotReadGetsNone() {
    assertNull(copyOut("COPY customers FROM STDIN"));
    assertNull(copyOut("COPY (SELECT id FROM customers) TO STDOUT"));
    assertNull(copyOut("COPY customers TO STDOUT WITH (FORMAT csv)"));
    assertNull(copyOut("COPY customers TO STDOUT CSV HEADER"));
    assertNull(copyOut("COPY BINARY customers TO STDOUT"));
    assertNull(copyOut("COPY customers (id, lower(email)) TO STDOUT"));
  }
}
