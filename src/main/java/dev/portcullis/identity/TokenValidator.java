package dev.portcullis.identity;

import io.vertx.core.Future;

/**
 * Turns a bearer token into an {@link Identity}, or fails with {@link TokenRejectedException}.
 *
 * <p>Implementations never block the calling event loop and never put the token into a message or log line.
 */
@FunctionalInterface
public interface TokenValidator {
  Future<Identity> validate(String token);
}
