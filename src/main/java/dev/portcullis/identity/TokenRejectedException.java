package dev.portcullis.identity;

/**
 * A token was not accepted. The message is safe to show to the client (SQLSTATE 28P01): it names the reason
 * ("token expired", "wrong audience", …) and never contains the token.
 */
public final class TokenRejectedException extends RuntimeException {
  public TokenRejectedException(String reason) {
    super(reason, null, false, false);
  }
}
