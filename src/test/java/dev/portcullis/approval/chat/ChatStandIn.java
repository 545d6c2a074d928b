package dev.portcullis.approval.chat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A chat API stand-in served by the test: answers {@code POST /api/chat.postMessage}, {@code chat.update} and
 * {@code chat.postEphemeral} the way Slack's Web API does (HTTP 200 with {@code ok}), records every call, and can be
 * told to fail the next calls of a method (an HTTP status, or an {@code ok:false} error).
 */
final class ChatStandIn implements AutoCloseable {
  /** One call as received. */
  record Call(String method, String authorization, String contentType, JsonObject body, boolean answeredOk) {}

  /** A scripted failure: {@code status} other than 200, or 200 with {@code ok:false, error}. */
  record Failure(int status, String error, String retryAfter) {}

  private final HttpServer server;
  private final List<Call> calls = new ArrayList<>();
  private final Deque<Failure> postFailures = new ArrayDeque<>();
  private long nextTs = 1;

  private ChatStandIn(HttpServer server) {
    this.server = server;
  }

  static ChatStandIn start(Vertx vertx) throws Exception {
    HttpServer server = vertx.createHttpServer();
    ChatStandIn standIn = new ChatStandIn(server);
    server.requestHandler(standIn::handle);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return standIn;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  /** The next chat.postMessage calls fail like this, in order. */
  synchronized void failPosts(Failure... failures) {
    postFailures.addAll(List.of(failures));
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buffer -> {
      String method = req.path().startsWith("/api/") ? req.path().substring(5) : req.path();
      JsonObject body = new JsonObject(buffer.toString());
      Failure failure = null;
      JsonObject answer;
      synchronized (this) {
        if (method.equals("chat.postMessage")) {
          failure = postFailures.poll();
        }
        if (failure != null && failure.status() != 200) {
          answer = null;
        } else if (failure != null) {
          answer = new JsonObject().put("ok", false).put("error", failure.error());
        } else if (method.equals("chat.postMessage") || method.equals("chat.update")) {
          String ts = method.equals("chat.update") ? body.getString("ts") : "1700000000." + String.format("%06d",
              nextTs++);
          answer = new JsonObject().put("ok", true).put("channel", body.getString("channel")).put("ts", ts);
        } else if (method.equals("chat.postEphemeral")) {
          answer = new JsonObject().put("ok", true).put("message_ts", "1700000001.000001");
        } else {
          answer = new JsonObject().put("ok", false).put("error", "unknown_method");
        }
        calls.add(new Call(method, req.getHeader("Authorization"), req.getHeader("Content-Type"), body,
            answer != null && answer.getBoolean("ok")));
        notifyAll();
      }
      if (failure != null && failure.retryAfter() != null) {
        req.response().putHeader("Retry-After", failure.retryAfter());
      }
      if (answer == null) {
        req.response().setStatusCode(failure.status()).end("{\"ok\":false}");
      } else {
        req.response().putHeader("Content-Type", "application/json; charset=utf-8").end(answer.encode());
      }
    });
  }

  synchronized List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  /** Waits for a call of {@code method} that matches (already made, or the next ones). */
  synchronized Call await(String method, Predicate<Call> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Call c : calls) {
        if (c.method().equals(method) && match.test(c)) {
          return c;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching " + method + " call within " + timeout + "; calls: " + calls);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
