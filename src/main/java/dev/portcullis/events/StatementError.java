package dev.portcullis.events;

import java.util.Objects;

/**
 * The error a statement ended with, as published in {@code statement.completed}.
 *
 * <p>The message is published as given: the caller scrubs values that masking hides before building it
 * (design-notes §4c — an ErrorResponse can echo a masked value).
 *
 * @param sqlState the five-character SQLSTATE
 * @param message  the primary message
 */
public record StatementError(String sqlState, String message) {
  public StatementError {
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(message, "message");
  }
}
