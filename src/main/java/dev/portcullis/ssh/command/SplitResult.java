package dev.portcullis.ssh.command;

import java.util.List;
import java.util.Objects;

/** What {@link CommandLineSplitter#split} makes of a command line: its simple commands, or a refusal. */
public sealed interface SplitResult {
  /**
   * The command line was followed completely.
   *
   * @param commands every simple command, in the order they start in the text: a command holding a substitution
   *                 comes before the commands inside it
   */
  record Commands(List<SimpleCommand> commands) implements SplitResult {
    public Commands {
      commands = List.copyOf(commands);
    }
  }

  /** The command line uses something the splitter does not follow; it must not run (fail closed). */
  record Refused(String reason) implements SplitResult {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
