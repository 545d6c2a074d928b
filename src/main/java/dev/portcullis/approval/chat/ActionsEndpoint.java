package dev.portcullis.approval.chat;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactivity request URL: {@code POST <path>} with a form body, checked in this order — size, signature,
 * payload — and only then handed to the {@link ClickDecider}. Also {@code GET /health} for load balancers.
 * Answers are short plain text; nothing from the request (which holds a verification token) is logged.
 */
final class ActionsEndpoint implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(ActionsEndpoint.class);
  /** Slack's block_actions payloads carry the whole message; ours stay well under this. */
  static final int MAX_BODY = 512 * 1024;

  private final String path;
  private final SlackSignature signature;
  private final ClickDecider decider;

  ActionsEndpoint(String path, SlackSignature signature, ClickDecider decider) {
    this.path = path;
    this.signature = signature;
    this.decider = decider;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (req.method() == HttpMethod.GET && "/health".equals(req.path())) {
      answer(req, 200, "ok");
      return;
    }
    if (!path.equals(req.path())) {
      answer(req, 404, "not found");
      return;
    }
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader("Allow", "POST");
      answer(req, 405, "use POST");
      return;
    }
    String type = req.getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      answer(req, 415, "expected application/x-www-form-urlencoded");
      return;
    }
    String length = req.getHeader("Content-Length");
    if (length != null && tooLong(length)) {
      req.response().putHeader("Connection", "close");
      answer(req, 413, "body larger than " + MAX_BODY + " bytes");
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    req.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY) {
        refused[0] = true;
        req.response().putHeader("Connection", "close");
        answer(req, 413, "body larger than " + MAX_BODY + " bytes");
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(e -> refused[0] = true);
    req.endHandler(v -> {
      if (!refused[0]) {
        callback(req, body.getBytes());
      }
    });
  }

  private void callback(HttpServerRequest req, byte[] raw) {
    try {
      SlackSignature.Verdict verdict = signature.verify(req.getHeader("X-Slack-Request-Timestamp"),
          req.getHeader("X-Slack-Signature"), raw);
      if (verdict != SlackSignature.Verdict.VALID) {
        log.warn("refused an interactivity callback from {}: {}", req.remoteAddress(), verdict.reason());
        answer(req, 401, verdict.reason());
        return;
      }
      Interaction click;
      try {
        click = Interaction.parse(new String(raw, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        log.warn("refused a signed interactivity callback: {}", e.getMessage());
        answer(req, 400, e.getMessage());
        return;
      }
      decider.decide(click).onComplete(ar -> {
        if (ar.succeeded()) {
          answer(req, 200, "");
        } else {
          answer(req, 503, "the decision could not be recorded; try again");
        }
      });
    } catch (RuntimeException e) {
      log.error("interactivity callback failed: {}", e.toString());
      answer(req, 500, "internal error");
    }
  }

  private static boolean tooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > MAX_BODY;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static void answer(HttpServerRequest req, int status, String text) {
    if (req.response().ended()) {
      return;
    }
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
