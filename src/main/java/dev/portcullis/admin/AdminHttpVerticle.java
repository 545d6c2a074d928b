package dev.portcullis.admin;

import dev.portcullis.config.AdminListenConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener ({@code listen.admin}): a Vert.x HTTP server that turns each request into an
 * {@link AdminRequest} for the {@link RouteTable} and writes back its {@link AdminResponse}. Owns only HTTP
 * concerns: bounded bodies, headers, timeouts. Logs method, path and status; never a header (tokens).
 */
final class AdminHttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpVerticle.class);
  /** A decision body is {@code {"reason": "..."}} of at most 1000 characters; 16 KiB leaves room for escapes. */
  static final int MAX_BODY_BYTES = 16 * 1024;
  /** Up to this, an oversized body is read and dropped before the 413 (see {@link #refuseTooLarge}). */
  static final int DRAINED_BODY_BYTES = 1024 * 1024;
  /** Headers carry the bearer token (16 KiB is the validator's own limit, so it answers with a clear 401). */
  static final int MAX_HEADER_BYTES = 32 * 1024;
  private static final int IDLE_TIMEOUT_SECONDS = 30;

  private final AdminListenConfig config;
  private final RouteTable routes;
  private HttpServer server;

  AdminHttpVerticle(AdminListenConfig config, RouteTable routes) {
    this.config = config;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setMaxHeaderSize(MAX_HEADER_BYTES)
        .setHttp2ClearTextEnabled(false) // HTTP/1.1 only: nothing here gains from HTTP/2, and less is exposed
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS); // a client that stops sending (slowloris) is cut off
    if (config.tls() != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tls().cert().toString())
          .setKeyPath(config.tls().key().toString()));
    }
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The bound port (useful with port 0). */
  int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    RouteTable.Match match = path == null ? null : routes.match(req.method().name(), path);
    if (match == null || match.refusal() != null) {
      // With a body coming, close: cheaper than draining an upload nobody wants.
      send(req, match == null ? new ErrorReply(400, "bad request").response() : match.refusal().response(),
          hasBody(req));
      return;
    }
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && tooLong(declared)) {
      refuseTooLarge(req, declared);
      return;
    }
    boundedBody(req).compose(body -> match.handler().handle(new AdminRequest(req.method().name(), path,
            match.pathParams(), req.getHeader(HttpHeaders.AUTHORIZATION), body)))
        .recover(err -> {
          if (err instanceof ErrorReply reply) {
            return Future.succeededFuture(reply.response());
          }
          LOG.error("admin API: {} {} failed", req.method(), path, err);
          return Future.succeededFuture(new ErrorReply(500, "internal error").response());
        })
        .onSuccess(response -> send(req, response, response.status() == 413));
  }

  private static boolean hasBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.trim().equals("0"));
  }

  private static boolean tooLong(String declared) {
    try {
      return Long.parseLong(declared.trim()) > MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * 413 for a declared length over the limit. A body of modest size is read and dropped first: closing while the
   * client still sends makes its TCP stack reset the connection, and the client never reads the 413. Anything
   * larger is not worth reading.
   */
  private static void refuseTooLarge(HttpServerRequest req, String declared) {
    long length;
    try {
      length = Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      length = Long.MAX_VALUE;
    }
    if (length > DRAINED_BODY_BYTES) {
      send(req, tooLarge().response(), true);
      return;
    }
    req.handler(chunk -> {});
    req.exceptionHandler(e -> req.connection().close());
    req.endHandler(v -> send(req, tooLarge().response(), true));
  }

  private static ErrorReply tooLarge() {
    return new ErrorReply(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
  }

  /** Reads the body, failing with 413 as soon as it grows past {@link #MAX_BODY_BYTES}. */
  private static Future<Buffer> boundedBody(HttpServerRequest req) {
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    req.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        done.tryFail(tooLarge());
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> done.tryComplete(body));
    req.exceptionHandler(done::tryFail);
    return done.future();
  }

  private static void send(HttpServerRequest req, AdminResponse response, boolean close) {
    HttpServerResponse out = req.response();
    if (out.ended() || out.closed()) {
      return;
    }
    out.setStatusCode(response.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, response.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff");
    for (Map.Entry<String, String> h : response.headers().entrySet()) {
      out.putHeader(h.getKey(), h.getValue());
    }
    if (close) {
      out.putHeader(HttpHeaders.CONNECTION, "close");
    }
    LOG.debug("admin API: {} {} -> {}", req.method(), req.path(), response.status());
    out.end(response.body()).onComplete(v -> {
      if (close) {
        req.connection().close();
      }
    });
  }
}
