package dev.portcullis.identity;

import static dev.portcullis.identity.OidcTokenValidatorTest.AUDIENCE;
import static dev.portcullis.identity.Tokens.b64;
import static dev.portcullis.identity.Tokens.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.config.OidcConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Forged and garbage tokens: refused before any crypto, and none of them makes the gateway refetch the JWKS. */
class HostileTokenTest {
  static final String ISSUER_ID = "agents";
  static Vertx vertx;
  static MockOAuth2Server server;
  static TestIssuerKeys keys;
  static OidcTokenValidator validator;
  static String issuer;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    keys = new TestIssuerKeys();
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
    server.start();
    issuer = server.issuerUrl(ISSUER_ID).toString();
    validator = Tokens.await(OidcTokenValidator.create(vertx, new OidcConfig(issuer, AUDIENCE, null, null)));
  }

  @AfterAll
  static void stop() throws Exception {
    assertEquals(0, validator.jwksRefreshes(), "hostile tokens must not trigger JWKS refreshes");
    Tokens.await(validator.close());
    server.shutdown();
    Tokens.await(vertx.close());
  }

  /** Claims that pass every claim rule, so only the algorithm or signature can be what is refused. */
  static String validPayload() {
    long now = Instant.now().getEpochSecond();
    return b64(new JsonObject().put("iss", issuer).put("sub", "ci-bot").put("aud", AUDIENCE)
        .put("groups", List.of("db-owners")).put("iat", now).put("exp", now + 600).encode());
  }

  static String header(String alg) {
    return b64(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", keys.current().getKeyID()).encode());
  }

  static String hs256(byte[] secret) throws Exception {
    String signingInput = header("HS256") + "." + validPayload();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return signingInput + "." + Tokens.B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void refusesAlgNone() throws Exception {
    assertEquals("unsupported token algorithm 'none'",
        rejection(validator, header("none") + "." + validPayload() + "."));
    assertEquals("unsupported token algorithm 'NONE'",
        rejection(validator, header("NONE") + "." + validPayload() + "."));
  }

  @Test
  void refusesHs256SignedWithTheIssuersPublicKey() throws Exception {
    RSAKey published = keys.current().toPublicJWK();
    byte[] der = published.toPublicKey().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";
    for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
        published.toJSONString().getBytes(StandardCharsets.UTF_8))) {
      assertEquals("unsupported token algorithm 'HS256'", rejection(validator, hs256(secret)));
    }
  }

  @Test
  void refusesOtherSymmetricAndUnknownAlgorithms() throws Exception {
    for (String alg : List.of("HS384", "HS512", "RS1", "EdDSA")) {
      assertEquals("unsupported token algorithm '" + alg + "'",
          rejection(validator, header(alg) + "." + validPayload() + ".c2ln"));
    }
    String weird = b64("{\"alg\":\"RS256\\\" or \\\"x\"}");
    assertEquals("unsupported token algorithm", rejection(validator, weird + "." + validPayload() + ".c2ln"));
  }

  @Test
  void refusesMalformedTokens() throws Exception {
    String payload = validPayload();
    String rs = header("RS256");
    List<String> malformed = List.of("", "not-a-jwt", "a.b", rs + "." + payload, rs + "." + payload + ".c2ln.c2ln",
        "." + payload + ".c2ln", rs + "..c2ln", rs + "." + payload + ".c2ln=", rs + "+." + payload + ".c2ln",
        b64("not json") + "." + payload + ".c2ln", rs + "." + b64("[1,2]") + ".c2ln",
        b64("{\"typ\":\"JWT\"}") + "." + payload + ".c2ln", rs + "." + payload + ".abcde");
    for (String token : malformed) {
      assertEquals("malformed token", rejection(validator, token), () -> "for " + token);
    }
    assertEquals("malformed token", rejection(validator, null));
  }

  @Test
  void refusesOversizedTokenBeforeParsing() throws Exception {
    String huge = header("RS256") + "." + b64("{\"pad\":\"" + "x".repeat(20_000) + "\"}") + ".c2ln";
    assertEquals("token too large", rejection(validator, huge));
  }

  @Test
  void refusesCriticalHeaderExtensions() throws Exception {
    String crit = b64(new JsonObject().put("alg", "RS256").put("crit", List.of("exp")).put("exp", 1).encode());
    assertEquals("unsupported token header 'crit'", rejection(validator, crit + "." + validPayload() + ".c2ln"));
  }

  @Test
  void refusesEmptySignatureOfAllowedAlgorithm() throws Exception {
    assertEquals("invalid signature", rejection(validator, header("RS256") + "." + validPayload() + "."));
  }

  @Test
  void acceptsValidTokenOfTheSameServer() throws Exception {
    // Control: the forgeries above are refused for what they are, not because this setup rejects everything.
    String token = server.issueToken(ISSUER_ID, "ci-bot", AUDIENCE, java.util.Map.of()).serialize();
    assertEquals("ci-bot", Tokens.await(validator.validate(token)).subject());
  }
}
