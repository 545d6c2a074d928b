package dev.portcullis.identity;

import io.vertx.core.Closeable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Discovers an OIDC issuer with Vert.x Auth OAuth2 and rebuilds the provider so that it can only validate tokens
 * locally (design-notes §6).
 *
 * <p>Out of the box, when local JWT validation fails the library falls back to the issuer's introspection and
 * userinfo endpoints (sending the token there and accepting what they say), and it does not check {@code aud}.
 * So after discovery the introspection and userinfo paths are nulled, the audience is put into the JWT options,
 * and a fresh provider is created from those options and its JWKS loaded. The provider built by discovery itself
 * is closed (it may hold a JWKS refresh timer).
 */
final class HardenedOidcProvider {
  /** Used as OAuth2 client id when no audience is configured; only the library's bookkeeping sees it. */
  private static final String FALLBACK_CLIENT_ID = "portcullis";

  private HardenedOidcProvider() {
  }

  /** The provider (JWKS loaded) and the issuer as the discovery document states it. */
  record Discovered(OAuth2Auth provider, String issuer) {
  }

  static Future<Discovered> discover(Vertx vertx, String issuer, String audience, Duration clockSkew) {
    OAuth2Options options = new OAuth2Options()
        .setSite(issuer)
        .setClientId(audience != null ? audience : FALLBACK_CLIENT_ID)
        .setValidateIssuer(true);
    return OpenIDConnectAuth.discover(vertx, options).compose(discovered -> {
      // discover() wrote the endpoints from the document into `options` (and the issuer into its JWT options).
      OAuth2Options hardened = new OAuth2Options(options)
          .setIntrospectionPath(null)
          .setUserInfoPath(null);
      JWTOptions jwt = new JWTOptions(hardened.getJWTOptions());
      // An empty list (not null) disables the library's "aud must contain the client id" rule when no audience
      // is configured; ClaimRules decides about audiences.
      List<String> audiences = new ArrayList<>();
      if (audience != null) {
        audiences.add(audience);
      }
      jwt.setAudience(audiences);
      jwt.setLeeway((int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()));
      hardened.setJWTOptions(jwt);
      String documentedIssuer = jwt.getIssuer() != null ? jwt.getIssuer() : issuer;
      if (hardened.getJwkPath() == null) {
        return close(discovered).compose(v -> Future.failedFuture(
            new IllegalStateException("OIDC discovery of " + issuer + " names no jwks_uri")));
      }
      OAuth2Auth provider = OAuth2Auth.create(vertx, hardened);
      return close(discovered)
          .compose(v -> provider.jWKSet())
          .map(v -> new Discovered(provider, documentedIssuer))
          .onFailure(err -> close(provider));
    });
  }

  static Future<Void> close(OAuth2Auth provider) {
    if (provider instanceof Closeable closeable) {
      Promise<Void> promise = Promise.promise();
      closeable.close(promise);
      return promise.future();
    }
    return Future.succeededFuture();
  }
}
