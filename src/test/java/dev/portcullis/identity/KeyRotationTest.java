package dev.portcullis.identity;

import static dev.portcullis.identity.OidcTokenValidatorTest.AUDIENCE;
import static dev.portcullis.identity.Tokens.await;
import static dev.portcullis.identity.Tokens.rejection;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.config.OidcConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The issuer rotates its signing key; the validator picks the new key up by itself, without letting floods through. */
class KeyRotationTest {
  static final String ISSUER_ID = "rotating";
  Vertx vertx;
  MockOAuth2Server server;
  TestIssuerKeys keys;
  OidcTokenValidator validator;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    keys = new TestIssuerKeys();
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
    server.start();
    validator = await(OidcTokenValidator.create(vertx,
        new OidcConfig(server.issuerUrl(ISSUER_ID).toString(), AUDIENCE, null, null)));
  }

  @AfterEach
  void stop() throws Exception {
    await(validator.close());
    server.shutdown();
    await(vertx.close());
  }

  String issue(String subject) {
    return server.issueToken(ISSUER_ID, subject, AUDIENCE, Map.of()).serialize();
  }

  @Test
  void newKeyIsFetchedOnceForAConcurrentBurstAndUnknownKeyFloodsCauseNoFetch() throws Exception {
    String before = issue("before");
    assertEquals("before", await(validator.validate(before)).subject());

    keys.rotateTo(TestIssuerKeys.newKey("key-2"));
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      burst.add(issue("agent-" + i));
    }
    // Unknown key ids signed by a key the issuer never published, with otherwise valid claims.
    RSAKey attacker = TestIssuerKeys.newKey("attacker");
    Instant now = Instant.now();
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      RSAKey randomKid = new RSAKey.Builder(attacker).keyID(UUID.randomUUID().toString()).build();
      flood.add(Tokens.sign(randomKid, new JWTClaimsSet.Builder().issuer(server.issuerUrl(ISSUER_ID).toString())
          .subject("mallory").audience(AUDIENCE).issueTime(Date.from(now))
          .expirationTime(Date.from(now.plusSeconds(600))).build()));
    }
    int lookupsBefore = keys.lookups(); // from here on only JWKS requests reach the key provider

    // The burst arrives concurrently on two event loops, as sessions do in the gateway; each caller gets its
    // answer on its own context although only one of them started the JWKS fetch.
    List<Context> loops = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext());
    List<Promise<Identity>> results = new ArrayList<>();
    for (int i = 0; i < burst.size(); i++) {
      Context loop = loops.get(i % 2);
      String token = burst.get(i);
      Promise<Identity> result = Promise.promise();
      results.add(result);
      loop.runOnContext(v -> validator.validate(token).map(identity -> {
        if (Vertx.currentContext() != loop) {
          throw new IllegalStateException("completed off the caller's context");
        }
        return identity;
      }).onComplete(result));
    }
    Promise<List<Identity>> done = Promise.promise();
    Future.all(results.stream().map(Promise::future).toList()).map(cf -> cf.<Identity>list()).onComplete(done);
    List<Identity> accepted = await(done.future());
    assertEquals(25, accepted.size());
    assertEquals("agent-7", accepted.get(7).subject());
    assertEquals(1, validator.jwksRefreshes(), "one refresh for the whole burst");
    assertEquals(1, keys.lookups() - lookupsBefore, "the issuer saw exactly one JWKS request");

    for (String token : flood) {
      assertEquals("unknown signing key", rejection(validator, token));
    }
    assertEquals(1, validator.jwksRefreshes(), "no further refresh within the interval");
    assertEquals(1, keys.lookups() - lookupsBefore, "the issuer saw no further JWKS request");

    // The issuer no longer publishes the old key, so its tokens are refused now.
    assertEquals("unknown signing key", rejection(validator, before));
  }
}
