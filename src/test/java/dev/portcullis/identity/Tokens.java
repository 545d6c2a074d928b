package dev.portcullis.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helpers: awaiting futures, hand-made tokens, and rejection assertions. */
final class Tokens {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      return fail("future did not complete in time");
    }
  }

  /** Expects a rejection; returns its message after checking that no part of the token leaks into it. */
  static String rejection(TokenValidator validator, String token) throws Exception {
    try {
      await(validator.validate(token));
    } catch (Exception e) {
      assertInstanceOf(TokenRejectedException.class, e, () -> "unexpected failure " + e);
      assertNoLeak(e.getMessage(), token);
      return e.getMessage();
    }
    return fail("token was accepted");
  }

  static void assertNoLeak(String message, String token) {
    if (token == null || token.isEmpty()) {
      return;
    }
    assertFalse(message.contains(token), "rejection message contains the token");
    for (String part : token.split("\\.")) {
      if (part.length() >= 8) {
        assertFalse(message.contains(part), "rejection message contains a token part");
      }
    }
  }

  static String sign(RSAKey key, JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
