package dev.portcullis.policy;

import java.util.List;

/**
 * The decision for a whole message (a simple Query may hold several statements; a Parse holds one).
 * The message runs only when {@link #overall()} allows: one refused statement refuses all of them (design-notes §3).
 *
 * @param masking the masking entries of the policies that applied, in load order: the results of this message are
 *                masked by the rules in force when it was judged (a policy reload reaches running sessions with
 *                their next statement)
 */
public record Judgement(List<JudgedStatement> statements, Decision overall, List<Policy.Masking> masking) {
  public Judgement {
    statements = List.copyOf(statements);
    masking = List.copyOf(masking);
  }

  public Judgement(List<JudgedStatement> statements, Decision overall) {
    this(statements, overall, List.of());
  }

  public boolean allowed() {
    return overall.allowed();
  }
}
