package dev.portcullis.config;

import java.util.Objects;

/**
 * A credential read from the environment or a file. {@link #toString()} never shows it, so a secret that ends up
 * in a log line, an exception or a record's toString stays hidden; call {@link #reveal()} only where the value is
 * put on the wire.
 */
public final class Secret {
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}
