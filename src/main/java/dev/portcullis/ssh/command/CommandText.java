package dev.portcullis.ssh.command;

import java.util.Objects;

/**
 * The text a {@link CommandGlob} is matched against, computed once per part and reused for every glob: a simple
 * command's {@link SimpleCommand#normalized() normalized} text with its redirection-operator characters protected
 * (wildcards never match them), or a plain text (a subsystem name, a forward's {@code host:port}).
 */
public final class CommandText {
  private final String text;
  /** {@code null} when no character is protected: the common case, matched by the faster plain algorithm. */
  private final boolean[] protectedChars;

  private CommandText(String text, boolean[] protectedChars) {
    this.text = Objects.requireNonNull(text, "text");
    this.protectedChars = protectedChars;
  }

  public static CommandText of(SimpleCommand command) {
    return new CommandText(command.normalized(),
        command.redirections().isEmpty() ? null : command.operatorMarks());
  }

  public static CommandText plain(String text) {
    return new CommandText(text, null);
  }

  public String text() {
    return text;
  }

  boolean[] protectedChars() {
    return protectedChars;
  }

  @Override
  public String toString() {
    return text;
  }
}
