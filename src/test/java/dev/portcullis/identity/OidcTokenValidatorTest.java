package dev.portcullis.identity;

import static dev.portcullis.identity.Tokens.await;
import static dev.portcullis.identity.Tokens.b64;
import static dev.portcullis.identity.Tokens.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.config.OidcConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validator against a real OIDC issuer (mock-oauth2-server over HTTP: discovery, JWKS) — every token here is
 * issued by that server, or signed by hand with its published key where the server cannot omit a claim.
 */
class OidcTokenValidatorTest {
  static final String ISSUER_ID = "agents";
  static final String AUDIENCE = "portcullis";

  static Vertx vertx;
  static MockOAuth2Server server;
  static TestIssuerKeys keys;
  /** The issuer's clock offset, to issue expired and future tokens from the real server. */
  static final AtomicReference<Duration> issuerClockOffset = new AtomicReference<>(Duration.ZERO);
  static OidcTokenValidator validator;
  static String issuer;

  @BeforeAll
  static void startIssuer() throws Exception {
    vertx = Vertx.vertx();
    keys = new TestIssuerKeys();
    OAuth2TokenProvider tokens = new OAuth2TokenProvider(keys, () -> Instant.now().plus(issuerClockOffset.get()));
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, tokens));
    server.start();
    issuer = server.issuerUrl(ISSUER_ID).toString();
    validator = await(OidcTokenValidator.create(vertx,
        new OidcConfig(issuer, AUDIENCE, "groups", Duration.ofSeconds(30))));
  }

  @AfterAll
  static void stopIssuer() throws Exception {
    await(validator.close());
    server.shutdown();
    await(vertx.close());
  }

  @AfterEach
  void resetIssuerClock() {
    issuerClockOffset.set(Duration.ZERO);
  }

  static String issue(String subject, String audience, Map<String, Object> claims) {
    return server.issueToken(ISSUER_ID, subject, audience, claims).serialize();
  }

  static JWTClaimsSet.Builder validClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer(issuer).subject("ci-bot").audience(AUDIENCE)
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
  }

  @Test
  void acceptsValidTokenWithSubjectGroupsAndExpiry() throws Exception {
    String token = issue("ci-bot", AUDIENCE, Map.of("groups", List.of("ai-agents", "readers")));
    Identity identity = await(validator.validate(token));
    assertEquals("ci-bot", identity.subject());
    assertEquals(List.of("ai-agents", "readers"), identity.groups());
    assertEquals(issuer, identity.issuer());
    long inSeconds = Duration.between(Instant.now(), identity.expiresAt()).toSeconds();
    assertTrue(inSeconds > 3000 && inSeconds <= 3600, "expiry about one hour ahead, was " + inSeconds + " s");
  }

  @Test
  void missingGroupsClaimMeansNoGroupsAndSingleStringIsOneGroup() throws Exception {
    assertEquals(List.of(), await(validator.validate(issue("a", AUDIENCE, Map.of()))).groups());
    assertEquals(List.of("solo"), await(validator.validate(issue("a", AUDIENCE, Map.of("groups", "solo")))).groups());
    assertEquals("malformed groups claim", rejection(validator, issue("a", AUDIENCE, Map.of("groups", 42))));
  }

  @Test
  void readsGroupsFromNestedClaimPath() throws Exception {
    OidcTokenValidator keycloakStyle = await(OidcTokenValidator.create(vertx,
        new OidcConfig(issuer, AUDIENCE, "realm_access.roles", null)));
    try {
      String token = issue("kc-user", AUDIENCE, Map.of("realm_access", Map.of("roles", List.of("db-owners"))));
      assertEquals(List.of("db-owners"), await(keycloakStyle.validate(token)).groups());
    } finally {
      await(keycloakStyle.close());
    }
  }

  @Test
  void rejectsExpiredToken() throws Exception {
    issuerClockOffset.set(Duration.ofHours(-2)); // issued 2 h ago for 1 h
    assertEquals("token expired", rejection(validator, issue("ci-bot", AUDIENCE, Map.of())));
  }

  @Test
  void rejectsTokenNotYetValid() throws Exception {
    issuerClockOffset.set(Duration.ofMinutes(10)); // nbf/iat 10 min ahead, beyond the 30 s skew
    assertEquals("token not yet valid", rejection(validator, issue("ci-bot", AUDIENCE, Map.of())));
  }

  @Test
  void clockSkewToleratesSmallDrift() throws Exception {
    issuerClockOffset.set(Duration.ofSeconds(10)); // issuer clock 10 s fast: within the 30 s skew
    assertEquals("ci-bot", await(validator.validate(issue("ci-bot", AUDIENCE, Map.of()))).subject());
  }

  @Test
  void rejectsTokenOfAnotherIssuerOfTheSameServer() throws Exception {
    // Same server, same signing key (TestIssuerKeys serves one key for all issuer ids): only `iss` differs.
    String token = server.issueToken("someone-else", "ci-bot", AUDIENCE, Map.of()).serialize();
    assertEquals("wrong issuer", rejection(validator, token));
  }

  @Test
  void rejectsWrongAudience() throws Exception {
    assertEquals("wrong audience", rejection(validator, issue("ci-bot", "another-app", Map.of())));
  }

  @Test
  void rejectsTokenWithoutAudience() throws Exception {
    String token = Tokens.sign(keys.current(), validClaims().audience((String) null).build());
    assertEquals("token has no audience", rejection(validator, token));
  }

  @Test
  void rejectsTokenWithoutExpiry() throws Exception {
    String token = Tokens.sign(keys.current(), validClaims().expirationTime(null).build());
    assertEquals("token has no expiry", rejection(validator, token));
  }

  @Test
  void rejectsTamperedPayload() throws Exception {
    String token = issue("ci-bot", AUDIENCE, Map.of("groups", List.of("readers")));
    String[] parts = token.split("\\.");
    String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8);
    String forged = parts[0] + "." + b64(payload.replace("\"readers\"", "\"db-owners\"")) + "." + parts[2];
    assertEquals("invalid signature", rejection(validator, forged));
  }

  @Test
  void rejectsSignatureByAnotherKeyWithTheIssuersKeyId() throws Exception {
    RSAKey impostor = TestIssuerKeys.newKey(keys.current().getKeyID());
    assertEquals("invalid signature", rejection(validator, Tokens.sign(impostor, validClaims().build())));
  }

  @Test
  void rejectsUnknownSubjectlessToken() throws Exception {
    String token = Tokens.sign(keys.current(), validClaims().subject(null).build());
    assertEquals("token has no subject", rejection(validator, token));
  }

  @Test
  void rejectedTokensAreNeverSentToTheIssuersIntrospectionOrUserinfoEndpoints() throws Exception {
    drainRecordedRequests();
    String token = issue("ci-bot", AUDIENCE, Map.of());
    String forged = token.substring(0, token.length() - 6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    assertEquals("invalid signature", rejection(validator, forged));
    RSAKey impostor = TestIssuerKeys.newKey(keys.current().getKeyID());
    assertEquals("invalid signature", rejection(validator, Tokens.sign(impostor, validClaims().build())));
    List<String> paths = drainRecordedRequests();
    assertTrue(paths.stream().noneMatch(p -> p.contains("introspect") || p.contains("userinfo")),
        "the library fell back to the issuer: " + paths);
    assertEquals(List.of(), paths, "rejecting a token needs no request to the issuer");
  }

  /**
   * The server records every request it served; returns their paths. No waiting is needed: a fallback to the
   * issuer would have been answered (and so recorded) before the validator could report the rejection.
   */
  static List<String> drainRecordedRequests() {
    List<String> paths = new java.util.ArrayList<>();
    while (true) {
      try {
        paths.add(server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS).getPath());
      } catch (RuntimeException queueEmpty) {
        return paths;
      }
    }
  }
}
