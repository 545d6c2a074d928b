package dev.portcullis.ssh.command;

import java.util.List;

/**
 * One simple command of a command line: its words (quotes and escapes removed, expansions left as written) and its
 * redirections.
 *
 * @param words        the words in order; the first is the command name unless the command is only assignments
 *                     or redirections. {@code $VAR}, {@code ${VAR}}, {@code $(…)} and backticks stay as written.
 * @param redirections the redirections in order, wherever they stood in the command
 * @param text         the command's original text (for a command inside backticks: after the backslash escapes of
 *                     the backticks are undone)
 * @param depth        0 at the top level; 1 inside one command substitution, 2 inside a nested one…
 */
public record SimpleCommand(List<String> words, List<Redirection> redirections, String text, int depth) {
  public SimpleCommand {
    words = List.copyOf(words);
    redirections = List.copyOf(redirections);
  }

  public boolean inSubstitution() {
    return depth > 0;
  }

  /**
   * What rule globs are matched against: the words joined by single spaces, then each redirection as its operator
   * directly followed by its target ({@code ls -l >/tmp/x 2>&1}), so {@code ls>x}, {@code ls > x} and
   * {@code >x ls} all read {@code ls >x}.
   */
  public String normalized() {
    List<String> pieces = new java.util.ArrayList<>(words);
    for (Redirection r : redirections) {
      pieces.add(r.text());
    }
    return String.join(" ", pieces);
  }

  /**
   * Which characters of {@link #normalized()} belong to a redirection operator: a glob's {@code *} and {@code ?}
   * never match those, so only a glob that spells the operator out allows a redirection.
   */
  boolean[] operatorMarks() {
    String text = normalized();
    boolean[] marks = new boolean[text.length()];
    int at = text.length();
    for (int i = redirections.size() - 1; i >= 0; i--) {
      Redirection r = redirections.get(i);
      at -= r.text().length();
      for (int k = 0; k < r.operator().length(); k++) {
        marks[at + k] = true;
      }
      at--; // the separating space
    }
    return marks;
  }
}
