package dev.portcullis.identity.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portcullis.config.OidcConfig;
import dev.portcullis.identity.Identity;
import dev.portcullis.identity.OidcTokenValidator;
import dev.portcullis.identity.TokenRejectedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dev issuer end to end: discovered by the real validator, tokens from POST /token, a key kept on disk. */
class DevIssuerTest {
  @TempDir
  Path dataDir;
  Vertx vertx;
  HttpClient http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    // One request per connection, as the dev issuer's real client (`portcullis token`, one JVM per call) sends
    // them: a reused keep-alive connection once stalled a request for 20 s in a loaded CI run (not reproduced
    // since), which says nothing about the issuer.
    http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  Reply call(DevIssuer issuer, HttpMethod method, String path, String form) throws Exception {
    return await(http.request(method, issuer.port(), "127.0.0.1", path)
        .compose(req -> form == null ? req.send()
            : req.putHeader("Content-Type", "application/x-www-form-urlencoded").send(form))
        .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), body.toString()))));
  }

  OidcTokenValidator validatorFor(DevIssuer issuer) throws Exception {
    return await(OidcTokenValidator.create(vertx,
        new OidcConfig(issuer.issuerUrl(), DevIssuer.DEFAULT_AUDIENCE, "groups", null)));
  }

  static String rejection(OidcTokenValidator validator, String token) throws Exception {
    try {
      await(validator.validate(token));
    } catch (TokenRejectedException e) {
      assertTrue(!e.getMessage().contains(token));
      return e.getMessage();
    }
    return fail("accepted");
  }

  @Test
  void tokenFromPostTokenIsAcceptedByAValidatorThatDiscoveredTheIssuer() throws Exception {
    DevIssuer issuer = await(DevIssuer.start(vertx, dataDir, 0));
    assertTrue(issuer.issuerUrl().startsWith("http://127.0.0.1:"), issuer.issuerUrl());
    assertEquals(issuer.issuerUrl(),
        call(issuer, HttpMethod.GET, "/.well-known/openid-configuration", null).json().getString("issuer"));
    OidcTokenValidator validator = validatorFor(issuer);

    Reply reply = call(issuer, HttpMethod.POST, "/token", "sub=ci-bot&groups=ai-agents,%20db-owners,&ttl=600");
    assertEquals(200, reply.status());
    assertEquals("Bearer", reply.json().getString("token_type"));
    assertEquals(600, reply.json().getLong("expires_in"));
    Identity identity = await(validator.validate(reply.json().getString("access_token")));
    assertEquals("ci-bot", identity.subject());
    assertEquals(List.of("ai-agents", "db-owners"), identity.groups());
    assertEquals(issuer.issuerUrl(), identity.issuer());
    long seconds = Duration.between(Instant.now(), identity.expiresAt()).toSeconds();
    assertTrue(seconds > 590 && seconds <= 600, "expires in " + seconds);

    Identity minted = await(validator.validate(issuer.mint("robot", List.of("g"), null, Duration.ofMinutes(5))));
    assertEquals(List.of("g"), minted.groups());

    String otherAudience = call(issuer, HttpMethod.POST, "/token", "sub=ci-bot&aud=elsewhere").json()
        .getString("access_token");
    assertEquals("wrong audience", rejection(validator, otherAudience));
    assertEquals("token expired",
        rejection(validator, new DevTokenMinter(DevKeyStore.loadOrCreate(dataDir), issuer.issuerUrl(),
            java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-3)))
            .mint("old", List.of(), DevIssuer.DEFAULT_AUDIENCE, Duration.ofHours(1))));
    await(validator.close());
  }

  @Test
  void tokenEndpointRefusesBadRequests() throws Exception {
    DevIssuer issuer = await(DevIssuer.start(vertx, dataDir, 0));
    assertEquals(400, call(issuer, HttpMethod.POST, "/token", "groups=a").status());
    assertEquals(400, call(issuer, HttpMethod.POST, "/token", "sub=x&ttl=0").status());
    assertEquals(400, call(issuer, HttpMethod.POST, "/token", "sub=x&ttl=999999").status());
    assertEquals(400, call(issuer, HttpMethod.POST, "/token", "sub=x&ttl=soon").status());
    assertEquals(405, call(issuer, HttpMethod.GET, "/token", null).status());
    assertEquals(404, call(issuer, HttpMethod.GET, "/admin", null).status());
    JsonObject jwks = call(issuer, HttpMethod.GET, "/jwks", null).json();
    assertEquals(issuer.keyId(), jwks.getJsonArray("keys").getJsonObject(0).getString("kid"));
    assertTrue(!jwks.encode().contains("\"d\""), "JWKS must not publish the private exponent");
  }

  @Test
  void keyFileIsOwnerOnlyAndTokensSurviveARestart() throws Exception {
    DevIssuer first = await(DevIssuer.start(vertx, dataDir, 0));
    int port = first.port();
    String token = first.mint("ci-bot", List.of("ai-agents"), null, Duration.ofMinutes(10));
    String kid = first.keyId();
    await(first.close());

    Path keyFile = dataDir.resolve(DevKeyStore.KEY_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    assertTrue(Files.readString(keyFile).startsWith("-----BEGIN PRIVATE KEY-----"));

    DevIssuer second = await(DevIssuer.start(vertx, dataDir, port));
    assertEquals(kid, second.keyId());
    OidcTokenValidator validator = validatorFor(second);
    assertEquals("ci-bot", await(validator.validate(token)).subject());
    await(validator.close());
  }

  @Test
  void runningValidatorPicksUpANewKeyAfterTheIssuerRestartsWithIt() throws Exception {
    DevIssuer first = await(DevIssuer.start(vertx, dataDir, 0));
    int port = first.port();
    OidcTokenValidator validator = validatorFor(first);
    String oldToken = first.mint("before", List.of(), null, Duration.ofMinutes(10));
    assertEquals("before", await(validator.validate(oldToken)).subject());
    String oldKid = first.keyId();
    await(first.close());

    Files.delete(dataDir.resolve(DevKeyStore.KEY_FILE));
    DevIssuer rotated = await(DevIssuer.start(vertx, dataDir, port));
    assertNotEquals(oldKid, rotated.keyId());
    String newToken = rotated.mint("after", List.of(), null, Duration.ofMinutes(10));
    assertEquals("after", await(validator.validate(newToken)).subject());
    assertEquals(1, validator.jwksRefreshes());
    assertEquals("unknown signing key", rejection(validator, oldToken));
    assertEquals(1, validator.jwksRefreshes());
    await(validator.close());
  }

  @Test
  void mintRefusesNonsense() throws Exception {
    DevIssuer issuer = await(DevIssuer.start(vertx, dataDir, 0));
    assertInstanceOf(IllegalArgumentException.class, catchThrowable(() -> issuer.mint(" ", List.of(), null,
        Duration.ofMinutes(1))));
    assertInstanceOf(IllegalArgumentException.class, catchThrowable(() -> issuer.mint("a", List.of(), null,
        Duration.ZERO)));
  }

  static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      return t;
    }
    return null;
  }
}
