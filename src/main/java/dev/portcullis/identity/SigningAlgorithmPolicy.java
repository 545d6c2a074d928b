package dev.portcullis.identity;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which JWS algorithms a token may claim: asymmetric ones only.
 *
 * <p>{@code none} and every HMAC algorithm are refused before any key lookup: an HS256 token "signed" with the
 * issuer's <em>public</em> key as the HMAC secret (the classic algorithm-confusion attack) never reaches the
 * verifier, and such tokens cannot trigger a JWKS refresh either.
 */
final class SigningAlgorithmPolicy {
  static final Set<String> ALLOWED =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");

  /** Only short, plain names are echoed back to the client; anything else is described, not quoted. */
  private static final Pattern ECHOABLE = Pattern.compile("[A-Za-z0-9+_-]{1,16}");

  private SigningAlgorithmPolicy() {
  }

  static String requireAllowed(Object alg) {
    if (!(alg instanceof String name)) {
      throw new TokenRejectedException("malformed token");
    }
    if (ALLOWED.contains(name)) {
      return name;
    }
    if (ECHOABLE.matcher(name).matches()) {
      throw new TokenRejectedException("unsupported token algorithm '" + name + "'");
    }
    throw new TokenRejectedException("unsupported token algorithm");
  }
}
