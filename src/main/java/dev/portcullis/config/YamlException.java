package dev.portcullis.config;

/**
 * A config or policy file that cannot be accepted. The message starts with {@code file:line:column:} (1-based) when
 * the problem has a place, so an operator can jump to it; it never contains a secret value.
 */
public final class YamlException extends RuntimeException {
  public YamlException(String message) {
    super(message);
  }

  public YamlException(String message, Throwable cause) {
    super(message, cause);
  }
}
