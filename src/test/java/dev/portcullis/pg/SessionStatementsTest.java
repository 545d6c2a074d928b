package dev.portcullis.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import dev.portcullis.policy.StatementKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionStatementsTest {
  private static Judgement of(String text, String preparedName) {
    Decision ok = new Decision.Allow("p", "r", "ok");
    return new Judgement(List.of(new JudgedStatement(text, text, Set.of(StatementKind.PREPARE), List.of(), List.of(),
        ok, preparedName)), ok);
  }

  @Test
  void prepareAndDeallocate() {
    SessionStatements s = new SessionStatements();
    s.remember(of("PREPARE a AS select 1", "a"));
    s.remember(of("prepare \"Odd\"\"Name\" as select 2", "Odd\"Name"));
    s.remember(of("prepare b as select 3", "b"));
    assertEquals(Set.of("a", "Odd\"Name", "b"), s.prepared().keySet());
    s.remember(of("  DEALLOCATE PREPARE A", null));
    s.remember(of("deallocate \"Odd\"\"Name\"", null));
    assertEquals(Map.of("b", "prepare b as select 3"), s.prepared());
    s.remember(of("DEALLOCATE ALL", null));
    assertTrue(s.prepared().isEmpty());
  }

  @Test
  void namedParseJudgementIsReusedOnlyForTheSameText() {
    SessionStatements s = new SessionStatements();
    Judgement j = of("select 1", null);
    s.parsed("S_1", "select 1", j);
    s.parsed("", "select 1", j);
    assertSame(j, s.parsedJudgement("S_1", "select 1"));
    assertNull(s.parsedJudgement("S_1", "select 2"));
    assertNull(s.parsedJudgement("", "select 1"), "the unnamed statement is judged every time");
    s.forgetParsed("S_1");
    assertNull(s.parsedJudgement("S_1", "select 1"));
  }
}
