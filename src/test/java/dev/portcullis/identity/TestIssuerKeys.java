package dev.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.token.KeyProvider;

/**
 * mock-oauth2-server's key source, made rotatable: its stock KeyProvider keeps one key per issuer id forever, with
 * the issuer id as {@code kid}, so a rotation cannot be observed. The server signs with and publishes (JWKS) only
 * {@link #current()}. Every JWKS request and every token issued call {@link #signingKey}, which is counted.
 */
final class TestIssuerKeys extends KeyProvider {
  private volatile JWK current = newKey("key-1");
  private final AtomicInteger lookups = new AtomicInteger();

  static RSAKey newKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public JWK signingKey(String issuerId) {
    lookups.incrementAndGet();
    return current;
  }

  RSAKey current() {
    return current.toRSAKey();
  }

  void rotateTo(JWK next) {
    current = next;
  }

  int lookups() {
    return lookups.get();
  }
}
