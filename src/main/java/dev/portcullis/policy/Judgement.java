package dev.portcullis.policy;

import java.util.List;

/**
 * The decision for a whole message (a simple Query may hold several statements; a Parse holds one).
 * The message runs only when {@link #overall()} allows: one refused statement refuses all of them (design-notes §3).
 */
public record Judgement(List<JudgedStatement> statements, Decision overall) {
  public Judgement {
    statements = List.copyOf(statements);
  }

  public boolean allowed() {
    return overall.allowed();
  }
}
