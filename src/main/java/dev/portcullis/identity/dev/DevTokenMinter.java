package dev.portcullis.identity.dev;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Signs RS256 access tokens for the dev issuer and publishes the matching public key as a JWK.
 *
 * <p>The key id is the RFC 7638 thumbprint of the public key: stable across restarts with the same key file,
 * different for a new key, so validators notice a rotation by its {@code kid}.
 */
final class DevTokenMinter {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final RSAPrivateCrtKey key;
  private final String issuer;
  private final String kid;
  private final Clock clock;

  DevTokenMinter(RSAPrivateCrtKey key, String issuer, Clock clock) {
    this.key = Objects.requireNonNull(key, "key");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.kid = thumbprint(key);
  }

  String kid() {
    return kid;
  }

  JsonObject jwks() {
    JsonObject jwk = new JsonObject()
        .put("kty", "RSA")
        .put("use", "sig")
        .put("alg", "RS256")
        .put("kid", kid)
        .put("n", unsigned(key.getModulus()))
        .put("e", unsigned(key.getPublicExponent()));
    return new JsonObject().put("keys", new JsonArray().add(jwk));
  }

  String mint(String subject, List<String> groups, String audience, Duration ttl) {
    long now = clock.instant().getEpochSecond();
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid);
    JsonObject claims = new JsonObject()
        .put("iss", issuer)
        .put("sub", subject)
        .put("aud", audience)
        .put("iat", now)
        .put("nbf", now)
        .put("exp", now + ttl.toSeconds())
        .put("groups", new JsonArray(List.copyOf(groups)))
        .put("jti", UUID.randomUUID().toString());
    String signingInput = part(header) + "." + part(claims);
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RS256 signing failed", e);
    }
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Base64url of the big-endian magnitude without the sign byte (RFC 7518 §6.3.1). */
  private static String unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return B64.encodeToString(bytes);
  }

  private static String thumbprint(RSAPrivateCrtKey key) {
    // RFC 7638: required members in lexicographic order, no whitespace.
    String canonical = "{\"e\":\"" + unsigned(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
        + unsigned(key.getModulus()) + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.US_ASCII));
      return B64.encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
