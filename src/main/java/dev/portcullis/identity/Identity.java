package dev.portcullis.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who is on the other end of a session, as proven by a validated OIDC token.
 *
 * <p>Never holds the token itself: identities travel on the event bus and into session events.
 *
 * @param subject   the token's {@code sub}
 * @param groups    the groups read from the configured claim path (may be empty, never null)
 * @param issuer    the token's {@code iss}
 * @param expiresAt the token's {@code exp}; a session ends at its first statement after this instant
 */
public record Identity(String subject, List<String> groups, String issuer, Instant expiresAt) {
  public Identity {
    Objects.requireNonNull(subject, "subject");
    groups = List.copyOf(groups);
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
