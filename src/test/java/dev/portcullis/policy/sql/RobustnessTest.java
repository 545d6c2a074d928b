package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arbitrary input never escapes as anything but SqlLexException from split, nor as any exception from analyze. */
class RobustnessTest {
  private static final String ALPHABET = "'\"$;-/*()[]\\eEuUxXbBnN&1a_ \n\t:.,=<>!?#`{}é😀UESCAPE";

  @Test
  void randomInputOnlyFailsWithLexErrors() {
    SqlAnalyzer analyzer = new PostgresSqlAnalyzer();
    Random random = new Random(42);
    int analyzed = 0;
    for (int n = 0; n < 10000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(40);
      for (int i = 0; i < len; i++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      List<LexedStatement> statements;
      try {
        statements = analyzer.split(sb.toString());
      } catch (SqlLexException e) {
        continue;
      }
      if (n % 20 == 0) { // analysis is slower; a sample suffices
        for (LexedStatement st : statements) {
          StatementAnalysis a = analyzer.analyze(st);
          assertFalse(a.unsupported() != null && a.unsupported().matches("statement not understood: [A-Z]\\w+"),
              st.text() + " → " + a.unsupported());
          analyzed++;
        }
      }
    }
    assertNotNull(analyzed > 0 ? "ok" : null, "no statement reached analyze");
  }

  @Test
  void analyzeNeverThrowsOnKeywordSoup() {
    SqlAnalyzer analyzer = new PostgresSqlAnalyzer();
    String[] words = {"select", "from", "with", "as", "(", ")", "into", "copy", "explain", "prepare", "execute",
        "set", "create", "table", "view", "on", "using", "join", "lateral", "t", "f(", "'x'", ",", "for", "update",
        "delete", "insert", "values", "call", "declare", "cursor", "truncate", "lock", "vacuum", "do", "begin"};
    Random random = new Random(7);
    for (int n = 0; n < 800; n++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + random.nextInt(12);
      for (int i = 0; i < len; i++) {
        sb.append(words[random.nextInt(words.length)]).append(' ');
      }
      for (LexedStatement st : analyzer.split(sb.toString())) {
        StatementAnalysis a = analyzer.analyze(st);
        // the catch-all names an exception class: that would be a bug in our walkers, not a refusal by design
        assertFalse(a.unsupported() != null && a.unsupported().matches("statement not understood: [A-Z]\\w+"),
            st.text() + " → " + a.unsupported());
      }
    }
  }
}
