package dev.portcullis.ssh.command;

import java.util.Objects;

/**
 * One redirection of a simple command, e.g. {@code 2>/dev/null} or {@code >>log}.
 *
 * @param operator the operator as written, with its file-descriptor number when one was given: {@code >},
 *                 {@code >>}, {@code <}, {@code <>}, {@code >|}, {@code >&}, {@code <&}, {@code &>},
 *                 {@code &>>}, {@code 2>}, {@code 2>&}…
 * @param target   the target word with its quotes removed ({@code /dev/null}, {@code 1}, {@code -})
 */
public record Redirection(String operator, String target) {
  public Redirection {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(target, "target");
  }

  /** The operator directly followed by its target, as it appears in {@link SimpleCommand#normalized()}. */
  public String text() {
    return operator + target;
  }
}
