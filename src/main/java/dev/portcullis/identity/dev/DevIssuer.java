package dev.portcullis.identity.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in OIDC issuer of {@code portcullis dev}. <strong>For development only</strong>: it hands a signed
 * token for any subject and any groups to whoever asks, without authentication. It therefore binds to the
 * loopback address (127.0.0.1) only, and must never be exposed or used as the issuer of a real gateway.
 *
 * <p>Serves, under its base URL {@code http://127.0.0.1:PORT} (which is also its {@code iss}):
 * <ul>
 *   <li>{@code GET /.well-known/openid-configuration} – discovery document;</li>
 *   <li>{@code GET /jwks} – the RSA public key, with a {@code kid} (RFC 7638 thumbprint);</li>
 *   <li>{@code POST /token} – form fields {@code sub} (required), {@code groups} (comma-separated), {@code aud}
 *       (default {@value #DEFAULT_AUDIENCE}), {@code ttl} seconds (default 3600, at most 86400); answers
 *       {@code {"access_token":…,"token_type":"Bearer","expires_in":…}}.</li>
 * </ul>
 * The RS256 key lives in {@code dataDir/}{@value DevKeyStore#KEY_FILE} (mode 600), created on first start, so
 * tokens survive restarts.
 */
public final class DevIssuer {
  private static final Logger LOG = LoggerFactory.getLogger(DevIssuer.class);

  /** The audience dev tokens carry unless asked otherwise; the dev gateway requires it. */
  public static final String DEFAULT_AUDIENCE = "portcullis";
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);
  public static final Duration MAX_TTL = Duration.ofDays(1);
  private static final String HOST = "127.0.0.1";
  private static final Set<String> FIELD_LIMITED = Set.of("sub", "aud", "groups", "ttl");
  private static final int MAX_FIELD_CHARS = 2048;

  private final HttpServer server;
  private final DevTokenMinter minter;
  private final String issuerUrl;

  private DevIssuer(HttpServer server, DevTokenMinter minter, String issuerUrl) {
    this.server = server;
    this.minter = minter;
    this.issuerUrl = issuerUrl;
  }

  /**
   * Loads or creates the key in {@code dataDir} (on a worker thread) and listens on 127.0.0.1:{@code port}
   * ({@code 0} = an ephemeral port; see {@link #port()}).
   */
  public static Future<DevIssuer> start(Vertx vertx, Path dataDir, int port) {
    Objects.requireNonNull(dataDir, "dataDir");
    return vertx.executeBlocking(() -> DevKeyStore.loadOrCreate(dataDir)).compose(key -> {
      Holder holder = new Holder();
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(port));
      server.requestHandler(req -> holder.handle(req));
      return server.listen().map(listening -> {
        String issuer = "http://" + HOST + ":" + listening.actualPort();
        DevTokenMinter minter = new DevTokenMinter(key, issuer, Clock.systemUTC());
        holder.issuer = issuer;
        holder.minter = minter;
        LOG.info("Dev OIDC issuer (development only, loopback) listening on {}, key {}", issuer,
            dataDir.resolve(DevKeyStore.KEY_FILE));
        return new DevIssuer(server, minter, issuer);
      });
    });
  }

  /** The issuer URL and {@code iss} of its tokens, e.g. {@code http://127.0.0.1:8089}. */
  public String issuerUrl() {
    return issuerUrl;
  }

  public int port() {
    return server.actualPort();
  }

  /** The {@code kid} of the signing key. */
  public String keyId() {
    return minter.kid();
  }

  /**
   * A signed RS256 access token with {@code iss, sub, aud, exp, iat, nbf, groups, jti}.
   *
   * @param ttl lifetime; must be positive
   */
  public String mint(String subject, List<String> groups, String audience, Duration ttl) {
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("subject must not be blank");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive");
    }
    return minter.mint(subject, groups == null ? List.of() : groups,
        audience == null ? DEFAULT_AUDIENCE : audience, ttl);
  }

  public Future<Void> close() {
    return server.close();
  }

  /** Routes requests; set once the port (and so the issuer URL) is known. */
  private static final class Holder {
    private volatile String issuer;
    private volatile DevTokenMinter minter;

    void handle(HttpServerRequest req) {
      DevTokenMinter current = minter;
      if (current == null) {
        req.response().setStatusCode(503).end();
        return;
      }
      String path = req.path();
      if (req.method() == HttpMethod.GET && path.equals("/.well-known/openid-configuration")) {
        json(req, 200, discovery(issuer));
      } else if (req.method() == HttpMethod.GET && path.equals("/jwks")) {
        json(req, 200, current.jwks());
      } else if (path.equals("/token")) {
        if (req.method() != HttpMethod.POST) {
          req.response().setStatusCode(405).putHeader("Allow", "POST").end();
          return;
        }
        req.setExpectMultipart(true);
        req.end().onComplete(ar -> {
          if (ar.failed()) {
            json(req, 400, error("could not read the form"));
            return;
          }
          issue(req, current);
        });
      } else {
        req.response().setStatusCode(404).end();
      }
    }

    private static void issue(HttpServerRequest req, DevTokenMinter minter) {
      var form = req.formAttributes();
      for (String field : FIELD_LIMITED) {
        String value = form.get(field);
        if (value != null && value.length() > MAX_FIELD_CHARS) {
          json(req, 400, error("field '" + field + "' is too long"));
          return;
        }
      }
      String sub = form.get("sub");
      if (sub == null || sub.isBlank()) {
        json(req, 400, error("form field 'sub' is required"));
        return;
      }
      List<String> groups = form.get("groups") == null ? List.of()
          : Arrays.stream(form.get("groups").split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
      String aud = form.get("aud") == null || form.get("aud").isBlank() ? DEFAULT_AUDIENCE : form.get("aud").trim();
      Duration ttl;
      try {
        ttl = form.get("ttl") == null || form.get("ttl").isBlank() ? DEFAULT_TTL
            : Duration.ofSeconds(Long.parseLong(form.get("ttl").trim()));
      } catch (NumberFormatException e) {
        json(req, 400, error("ttl must be a number of seconds"));
        return;
      }
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
        json(req, 400, error("ttl must be between 1 and " + MAX_TTL.toSeconds() + " seconds"));
        return;
      }
      String token = minter.mint(sub.trim(), groups, aud, ttl);
      LOG.info("Dev issuer minted a token for subject {} groups {} audience {} ttl {}s", printable(sub.trim()),
          printable(String.join(",", groups)), printable(aud), ttl.toSeconds());
      json(req, 200, new JsonObject()
          .put("access_token", token)
          .put("token_type", "Bearer")
          .put("expires_in", ttl.toSeconds()));
    }

    /** Form values end up in the log: keep control characters (log forging) out. */
    private static String printable(String value) {
      return value.replaceAll("\\p{Cntrl}", "?");
    }

    private static JsonObject discovery(String issuer) {
      return new JsonObject()
          .put("issuer", issuer)
          .put("jwks_uri", issuer + "/jwks")
          .put("token_endpoint", issuer + "/token")
          .put("response_types_supported", new JsonArray().add("token"))
          .put("subject_types_supported", new JsonArray().add("public"))
          .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
          .put("grant_types_supported", new JsonArray().add("client_credentials"));
    }

    private static JsonObject error(String description) {
      return new JsonObject().put("error", "invalid_request").put("error_description", description);
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
      req.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
    }
  }
}
