package dev.portcullis.identity;

import dev.portcullis.config.OidcConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OIDC access tokens (JWS) against a discovered issuer.
 *
 * <p>Order of checks, cheapest and most hostile-input-proof first: size and shape (three base64url parts, JSON),
 * algorithm allow-list ({@link SigningAlgorithmPolicy}), claims ({@link ClaimRules}: issuer, expiry, not-before,
 * audience, subject), then the signature by the hardened Vert.x provider ({@link HardenedOidcProvider}). A token
 * whose {@code kid} is unknown triggers one rate-limited JWKS refresh ({@link JwksRefresher}) and one retry.
 *
 * <p>Failures are {@link TokenRejectedException}s with short, client-safe reasons; library messages are never
 * passed on (they can quote the token). The returned future completes on the caller's context.
 */
public final class OidcTokenValidator implements TokenValidator {
  private static final Logger LOG = LoggerFactory.getLogger(OidcTokenValidator.class);

  private final OAuth2Auth provider;
  private final ClaimRules rules;
  private final ClaimPath groupsPath;
  private final JwksRefresher refresher;
  private final int maxTokenChars;

  private OidcTokenValidator(OAuth2Auth provider, ClaimRules rules, ClaimPath groupsPath, JwksRefresher refresher,
      int maxTokenChars) {
    this.provider = provider;
    this.rules = rules;
    this.groupsPath = groupsPath;
    this.refresher = refresher;
    this.maxTokenChars = maxTokenChars;
  }

  /** Discovers {@code config.issuer()} and loads its JWKS; fails if the issuer cannot be reached or is invalid. */
  public static Future<OidcTokenValidator> create(Vertx vertx, OidcConfig config) {
    return create(vertx, config, ValidatorLimits.DEFAULTS);
  }

  public static Future<OidcTokenValidator> create(Vertx vertx, OidcConfig config, ValidatorLimits limits) {
    Objects.requireNonNull(config.issuer(), "oidc.issuer");
    Duration skew = config.clockSkew() != null ? config.clockSkew() : OidcConfig.DEFAULT_CLOCK_SKEW;
    String groupsClaim = config.groupsClaim() != null ? config.groupsClaim() : "groups";
    ClaimPath groupsPath = new ClaimPath(groupsClaim);
    if (config.audience() == null) {
      LOG.warn("oidc.audience is not set: tokens of issuer {} for ANY audience are accepted", config.issuer());
    }
    return HardenedOidcProvider.discover(vertx, config.issuer(), config.audience(), skew).map(found -> {
      ClaimRules rules = new ClaimRules(found.issuer(), config.audience(), skew, Clock.systemUTC());
      JwksRefresher refresher =
          new JwksRefresher(found.provider()::jWKSet, limits.jwksRefreshInterval(), System::nanoTime);
      LOG.info("OIDC issuer {} discovered; groups from claim '{}'", found.issuer(), groupsPath);
      return new OidcTokenValidator(found.provider(), rules, groupsPath, refresher, limits.maxTokenChars());
    });
  }

  @Override
  public Future<Identity> validate(String token) {
    Context caller = Vertx.currentContext();
    Future<Identity> result;
    CompactJwt jwt = null;
    try {
      jwt = CompactJwt.parse(token, maxTokenChars);
      SigningAlgorithmPolicy.requireAllowed(jwt.header().getValue("alg"));
      if (jwt.header().containsKey("crit")) {
        // RFC 7515 §4.1.11: extensions we do not understand must make the token invalid.
        throw new TokenRejectedException("unsupported token header 'crit'");
      }
      Instant expiresAt = rules.check(jwt.claims());
      JsonObject claims = jwt.claims();
      List<String> groups = groupsPath.readStrings(claims);
      Identity identity = new Identity(claims.getString("sub"), groups, rules.issuer(), expiresAt);
      result = verifySignature(token, true).map(identity);
    } catch (TokenRejectedException e) {
      result = Future.failedFuture(e);
    } catch (RuntimeException e) {
      result = Future.failedFuture(new TokenRejectedException("malformed token"));
    }
    if (LOG.isDebugEnabled()) {
      String claimedSubject = loggable(jwt == null ? null : jwt.claims().getValue("sub"));
      result = result.onFailure(err ->
          LOG.debug("token rejected: {} (claimed subject {})", err.getMessage(), claimedSubject));
    }
    return onCallerContext(caller, result);
  }

  /** The library checks signature, issuer, audience and times again; any failure but an unknown key is "invalid". */
  private Future<Void> verifySignature(String token, boolean mayRefresh) {
    Future<Void> verified;
    try {
      verified = provider.authenticate(new TokenCredentials(token)).mapEmpty();
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    return verified.recover(err -> {
      if (err instanceof NoSuchKeyIdException) {
        if (mayRefresh) {
          return refresher.refresh().compose(refreshed -> refreshed
              ? verifySignature(token, false)
              : Future.failedFuture(new TokenRejectedException("unknown signing key")));
        }
        return Future.failedFuture(new TokenRejectedException("unknown signing key"));
      }
      return Future.failedFuture(new TokenRejectedException("invalid signature"));
    });
  }

  /** The subject is attacker-controlled before verification: no control characters (log forging), bounded. */
  private static String loggable(Object subject) {
    if (!(subject instanceof String s)) {
      return "-";
    }
    String clean = s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f && !Character.isISOControl(c))
        ? s : "<unprintable>";
    return clean.length() > 128 ? clean.substring(0, 128) + "…" : clean;
  }

  /** JWKS refreshes complete on the provider's context; hand results back where the caller runs. */
  private static <T> Future<T> onCallerContext(Context caller, Future<T> result) {
    if (caller == null || result.isComplete()) {
      return result;
    }
    Promise<T> promise = Promise.promise();
    result.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(ar);
      } else {
        caller.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }

  /** How many JWKS refreshes unknown key ids have started (the initial load excluded). */
  public long jwksRefreshes() {
    return refresher.fetches();
  }

  /** Stops the provider's JWKS timers. */
  public Future<Void> close() {
    return HardenedOidcProvider.close(provider);
  }
}
