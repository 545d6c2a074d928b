package dev.portcullis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClaimRulesTest {
  static final long NOW = 1_800_000_000L;
  final ClaimRules rules = new ClaimRules("https://idp.example", "portcullis", Duration.ofSeconds(30),
      Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  static JsonObject claims() {
    return new JsonObject().put("iss", "https://idp.example").put("sub", "bot").put("aud", "portcullis")
        .put("exp", NOW + 60).put("iat", NOW).put("nbf", NOW);
  }

  String reason(JsonObject claims) {
    return assertThrows(TokenRejectedException.class, () -> rules.check(claims)).getMessage();
  }

  @Test
  void acceptsValidClaimsAndReturnsExpiry() {
    assertEquals(Instant.ofEpochSecond(NOW + 60), rules.check(claims()));
    assertEquals(Instant.ofEpochSecond(NOW + 60),
        rules.check(claims().put("aud", new JsonArray().add("other").add("portcullis"))));
  }

  @Test
  void expiryHonoursSkewExactly() {
    rules.check(claims().put("exp", NOW - 29));
    assertEquals("token expired", reason(claims().put("exp", NOW - 30)));
  }

  @Test
  void notBeforeAndIssuedAtHonourSkewExactly() {
    rules.check(claims().put("nbf", NOW + 30).put("iat", NOW + 30));
    assertEquals("token not yet valid", reason(claims().put("nbf", NOW + 31)));
    assertEquals("token not yet valid", reason(claims().put("iat", NOW + 31)));
  }

  @Test
  void issuerMustMatchExactly() {
    assertEquals("wrong issuer", reason(claims().put("iss", "https://idp.example/")));
    assertEquals("wrong issuer", reason(claims().put("iss", "HTTPS://idp.example")));
    assertEquals("wrong issuer", reason(claims().put("iss", new JsonArray().add("https://idp.example"))));
    assertEquals("wrong issuer", reason(claims().putNull("iss")));
  }

  @Test
  void audienceRules() {
    assertEquals("token has no audience", reason(claims().putNull("aud")));
    JsonObject noAud = claims();
    noAud.remove("aud");
    assertEquals("token has no audience", reason(noAud));
    assertEquals("token has no audience", reason(claims().put("aud", new JsonArray())));
    assertEquals("wrong audience", reason(claims().put("aud", "Portcullis")));
    assertEquals("malformed token", reason(claims().put("aud", new JsonArray().add(1).add("portcullis"))));
    ClaimRules anyAudience = new ClaimRules("https://idp.example", null, Duration.ZERO,
        Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    anyAudience.check(noAud);
  }

  @Test
  void expiryAndSubjectAreRequiredAndTyped() {
    JsonObject noExp = claims();
    noExp.remove("exp");
    assertEquals("token has no expiry", reason(noExp));
    assertEquals("malformed token", reason(claims().put("exp", "tomorrow")));
    assertEquals("malformed token", reason(claims().put("exp", 1e300)));
    assertEquals("token has no subject", reason(claims().put("sub", "")));
    assertEquals("token has no subject", reason(claims().put("sub", 7)));
  }
}
