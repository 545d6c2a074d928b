package dev.portcullis.admin;

import dev.portcullis.identity.Identity;
import dev.portcullis.identity.TokenRejectedException;
import dev.portcullis.identity.TokenValidator;
import io.vertx.core.Future;
import java.util.Map;

/**
 * {@code Authorization: Bearer <token>} (RFC 6750) to an {@link Identity}, through a validator that accepts only
 * one audience: the approvers' for {@code /approvals}, the agents' for {@code /ssh/certificates} (two instances). Every refusal is 401 with {@code WWW-Authenticate: Bearer}; the reason given is the
 * validator's client-safe one, and the token itself is never put into a message or log line.
 */
final class BearerAuth {
  private static final String SCHEME = "bearer ";

  private final TokenValidator validator;
  private final String realm;

  /** @param realm names what the token is for in the challenge (the approvals audience) */
  BearerAuth(TokenValidator validator, String realm) {
    this.validator = validator;
    this.realm = realm;
  }

  Future<Identity> authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return Future.failedFuture(new ErrorReply(401, "a bearer token is required",
          Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\"")));
    }
    if (authorization.length() <= SCHEME.length()
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Future.failedFuture(new ErrorReply(401, "the Authorization header must be 'Bearer <token>'",
          challenge("invalid_request", "Bearer token expected")));
    }
    String token = authorization.substring(SCHEME.length()).trim();
    Future<Identity> validated;
    try {
      validated = validator.validate(token);
    } catch (RuntimeException e) {
      validated = Future.failedFuture(new TokenRejectedException("malformed token"));
    }
    return validated.recover(err -> {
      String why = err instanceof TokenRejectedException ? err.getMessage() : "token could not be validated";
      return Future.failedFuture(new ErrorReply(401, "token refused: " + why, challenge("invalid_token", why)));
    });
  }

  private Map<String, String> challenge(String error, String description) {
    return Map.of("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"" + error
        + "\", error_description=\"" + quotable(description) + "\"");
  }

  /** RFC 6750 allows only printable ASCII without quote and backslash here; a reason may quote a token header. */
  private static String quotable(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
    for (int i = 0; i < s.length() && out.length() < 200; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
    }
    return out.toString();
  }
}
