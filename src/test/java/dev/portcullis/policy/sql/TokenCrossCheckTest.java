package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The token-level safety net fails closed when the parse walk missed a call or a table. */
class TokenCrossCheckTest {
  private static TokenRange range(String sql) {
    List<Token> tokens = Token.lex(sql, 64).tokens();
    return new TokenRange(tokens, 0, tokens.size());
  }

  @Test
  void aTableTheWalkDidNotReportFailsTheStatement() {
    Findings f = new Findings();
    f.table("public.a");
    TokenCrossCheck.verifyTables(range("select * from a join s.b on true"), f, Set.of());
    assertTrue(f.result().unsupported().contains("table reference was not understood: b"));
  }

  @Test
  void reportedTablesCtesAndFromInsideExtractPass() {
    Findings f = new Findings().kind(dev.portcullis.policy.StatementKind.SELECT);
    f.table("public.a");
    TokenCrossCheck.verifyTables(
        range("with c as (select 1) select extract(year from d) from a, c where x is distinct from y"), f,
        Set.of("c"));
    assertFalse(f.failed(), () -> f.result().unsupported());
  }

  @Test
  void aCallTheWalkDidNotReportFailsTheStatement() {
    Findings f = new Findings();
    f.function("count");
    TokenCrossCheck.verifyCalls(range("select count(*) over (order by pg_sleep(1)) from t"), f, Set.of());
    assertTrue(f.result().unsupported().contains("function call was not understood: pg_sleep"));
  }

  @Test
  void grammarBeforeParenthesesIsNotACall() {
    Findings f = new Findings().kind(dev.portcullis.policy.StatementKind.SELECT);
    TokenCrossCheck.verifyCalls(range("select x::numeric(10,2), cast(y as varchar(3)) from t where a in (1) and "
        + "exists (select 1) and b = any (array[1]) group by rollup(a), cube(b)"), f, Set.of());
    assertFalse(f.failed(), () -> f.result().unsupported());
  }
}
