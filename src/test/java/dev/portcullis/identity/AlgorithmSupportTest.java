package dev.portcullis.identity;

import static dev.portcullis.identity.OidcTokenValidatorTest.AUDIENCE;
import static dev.portcullis.identity.Tokens.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.OidcConfig;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Date;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allowed algorithms beyond RS256 really verify: the issuer publishes an EC or PS256 key in its JWKS. */
class AlgorithmSupportTest {
  Vertx vertx;
  MockOAuth2Server server;
  TestIssuerKeys keys;
  String issuer;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    keys = new TestIssuerKeys();
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
    server.start();
    issuer = server.issuerUrl("algs").toString();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
    await(vertx.close());
  }

  String signed(JWSAlgorithm alg, JWK key, JWSSigner signer) throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(),
        new JWTClaimsSet.Builder().issuer(issuer).subject("signed-bot").audience(AUDIENCE)
            .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300))).build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  void assertAccepted(JWSAlgorithm alg, JWK key, JWSSigner signer) throws Exception {
    keys.rotateTo(key);
    OidcTokenValidator validator = await(OidcTokenValidator.create(vertx, new OidcConfig(issuer, AUDIENCE, null, null)));
    try {
      assertEquals("signed-bot", await(validator.validate(signed(alg, key, signer))).subject());
    } finally {
      await(validator.close());
    }
  }

  @Test
  void es256() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256).generate();
    assertAccepted(JWSAlgorithm.ES256, key, new ECDSASigner(key));
  }

  @Test
  void ps256() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("ps-1").keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.PS256).generate();
    assertAccepted(JWSAlgorithm.PS256, key, new RSASSASigner(key));
  }

  @Test
  void rs256KeyPublishedWithoutAlgMember() throws Exception {
    // Azure AD and others omit "alg" from their JWKS entries.
    RSAKey key = new RSAKeyGenerator(2048).keyID("no-alg").keyUse(KeyUse.SIGNATURE).generate();
    assertAccepted(JWSAlgorithm.RS256, key, new RSASSASigner(key));
  }
}
