package dev.portcullis.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A chat API stand-in served by the test: answers {@code POST /api/chat.postMessage}, {@code chat.update} and
 * {@code chat.postEphemeral} the way Slack's Web API does (HTTP 200 with {@code ok}), records every call, and can be
 * told to fail the next calls of a method (an HTTP status, or an {@code ok:false} error).
 *
 * <p>It also plays the other half of Slack: a person's button click as the interactivity callback Slack would send
 * ({@link #click}): a {@code block_actions} payload naming the clicked message, form-encoded, signed with the v0
 * scheme — computed here from the spec, not with the bot's own signer.
 */
public final class ChatStandIn implements AutoCloseable {
  /** One call as received, and what was answered ({@code null} for a non-200 answer). */
  public record Call(String method, String authorization, String contentType, JsonObject body, boolean answeredOk,
      JsonObject answer) {}

  /** A scripted failure: {@code status} other than 200, or 200 with {@code ok:false, error}. */
  public record Failure(int status, String error, String retryAfter) {}

  /** A callback as sent (to replay it byte for byte), and the bot's answer. */
  public record Sent(String body, String timestamp, String signature, int status, String answer) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final HttpServer server;
  private final List<Call> calls = new ArrayList<>();
  private final Deque<Failure> postFailures = new ArrayDeque<>();
  private long nextTs = 1;

  private ChatStandIn(HttpServer server) {
    this.server = server;
  }

  public static ChatStandIn start(Vertx vertx) throws Exception {
    HttpServer server = vertx.createHttpServer();
    ChatStandIn standIn = new ChatStandIn(server);
    server.requestHandler(standIn::handle);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return standIn;
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api";
  }

  /** The next chat.postMessage calls fail like this, in order. */
  public synchronized void failPosts(Failure... failures) {
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
            answer != null && answer.getBoolean("ok"), answer));
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

  public synchronized List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  /** Waits for a call of {@code method} that matches (already made, or the next ones). */
  public synchronized Call await(String method, Predicate<Call> match, Duration timeout) throws InterruptedException {
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

  // --- playing Slack's side of a click --------------------------------------------------------------------------

  /**
   * The form body Slack POSTs when {@code user} clicks the button {@code action} of {@code posted} (a successful
   * chat.postMessage call): {@code payload=<block_actions JSON>} with the button's value as the message carries it.
   */
  public static String clickBody(Call posted, String user, String action) {
    String value = button(posted.body(), action).getString("value");
    String channel = posted.answer().getString("channel");
    String ts = posted.answer().getString("ts");
    JsonObject payload = new JsonObject().put("type", "block_actions")
        .put("token", "legacy-verification-token")
        .put("user", new JsonObject().put("id", user).put("username", user.toLowerCase()))
        .put("api_app_id", "A0PORTCULLIS")
        .put("container", new JsonObject().put("type", "message").put("message_ts", ts).put("channel_id", channel)
            .put("is_ephemeral", false))
        .put("channel", new JsonObject().put("id", channel))
        .put("message", posted.body().copy().put("ts", ts))
        .put("actions", new JsonArray().add(new JsonObject().put("action_id", action).put("value", value)
            .put("type", "button").put("block_id", "portcullis-approval")
            .put("action_ts", Instant.now().getEpochSecond() + ".000100")));
    return "payload=" + URLEncoder.encode(payload.encode(), StandardCharsets.UTF_8);
  }

  /** The button with this {@code action_id} in a message body's actions block. */
  public static JsonObject button(JsonObject message, String action) {
    for (Object b : message.getJsonArray("blocks")) {
      JsonObject block = (JsonObject) b;
      if ("actions".equals(block.getString("type"))) {
        for (Object e : block.getJsonArray("elements")) {
          if (action.equals(((JsonObject) e).getString("action_id"))) {
            return (JsonObject) e;
          }
        }
      }
    }
    throw new AssertionError("no '" + action + "' button in " + message.encode());
  }

  /** Whether a message body still shows buttons. */
  public static boolean hasButtons(JsonObject message) {
    return message.getJsonArray("blocks").stream().anyMatch(b -> "actions".equals(((JsonObject) b).getString("type")));
  }

  /** Slack's v0 signature: {@code v0=} hex HMAC-SHA256 of {@code "v0:" + timestamp + ":" + body}. */
  public static String sign(String signingSecret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code user} clicks {@code action} on {@code posted}: the callback, signed now with {@code signingSecret}. */
  public static Sent click(URI actionsUrl, String signingSecret, Call posted, String user, String action)
      throws Exception {
    String body = clickBody(posted, user, action);
    String ts = Long.toString(Instant.now().getEpochSecond());
    return send(actionsUrl, body, ts, sign(signingSecret, ts, body));
  }

  /** POSTs a callback exactly as given (a replay, a forgery). */
  public static Sent send(URI actionsUrl, String body, String timestamp, String signature) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(actionsUrl)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Slack-Request-Timestamp", timestamp)
        .header("X-Slack-Signature", signature)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> answer = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    return new Sent(body, timestamp, signature, answer.statusCode(), answer.body());
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
