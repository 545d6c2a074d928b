package dev.portcullis.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The registered-claim checks Portcullis does itself rather than trusting the OAuth2 library with them: exact
 * {@code iss}, {@code aud} when configured (and present), a mandatory {@code exp}, {@code nbf}/{@code iat} with
 * clock skew, a non-empty {@code sub}.
 *
 * <p>The library lets tokens without {@code exp} or without {@code aud} through (design-notes §6), so these rules
 * are the authority; the library's own checks only add depth.
 */
final class ClaimRules {
  private final String issuer;
  private final String audience;
  private final Duration skew;
  private final Clock clock;

  /**
   * @param issuer   the exact {@code iss} required
   * @param audience required {@code aud} member, or null to accept any audience
   */
  ClaimRules(String issuer, String audience, Duration skew, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = audience;
    this.skew = Objects.requireNonNull(skew, "skew");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  String issuer() {
    return issuer;
  }

  /** @return the token's expiry */
  Instant check(JsonObject claims) {
    if (!issuer.equals(claims.getValue("iss"))) {
      throw new TokenRejectedException("wrong issuer");
    }
    Instant now = clock.instant();
    Long exp = numericDate(claims, "exp");
    if (exp == null) {
      throw new TokenRejectedException("token has no expiry");
    }
    Instant expiresAt = Instant.ofEpochSecond(exp);
    if (!now.minus(skew).isBefore(expiresAt)) {
      throw new TokenRejectedException("token expired");
    }
    Long nbf = numericDate(claims, "nbf");
    Long iat = numericDate(claims, "iat");
    Instant latestAcceptable = now.plus(skew);
    if ((nbf != null && Instant.ofEpochSecond(nbf).isAfter(latestAcceptable))
        || (iat != null && Instant.ofEpochSecond(iat).isAfter(latestAcceptable))) {
      throw new TokenRejectedException("token not yet valid");
    }
    if (audience != null) {
      checkAudience(claims.getValue("aud"));
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String s) || s.isEmpty()) {
      throw new TokenRejectedException("token has no subject");
    }
    return expiresAt;
  }

  private void checkAudience(Object aud) {
    if (aud == null || (aud instanceof JsonArray array && array.isEmpty())) {
      throw new TokenRejectedException("token has no audience");
    }
    if (aud instanceof String s) {
      if (!audience.equals(s)) {
        throw new TokenRejectedException("wrong audience");
      }
      return;
    }
    if (aud instanceof JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String)) {
          throw new TokenRejectedException("malformed token");
        }
      }
      if (!array.contains(audience)) {
        throw new TokenRejectedException("wrong audience");
      }
      return;
    }
    throw new TokenRejectedException("malformed token");
  }

  /** RFC 7519 NumericDate: a JSON number of seconds; fractions are truncated. Absent → null. */
  private static Long numericDate(JsonObject claims, String name) {
    Object value = claims.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n)) {
      throw new TokenRejectedException("malformed token");
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) > 1e13) {
      throw new TokenRejectedException("malformed token");
    }
    return n.longValue();
  }
}
