package dev.portcullis.approval.chat;

import dev.portcullis.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;

/**
 * Slack's Web API as far as the bot uses it ({@code chat.postMessage}, {@code chat.update},
 * {@code chat.postEphemeral}), one attempt per call; {@link Retry} decides about trying again. Slack answers HTTP 200
 * with {@code ok:false} for most failures, so {@code ok} is what counts; 429 and 5xx are HTTP statuses.
 */
public final class ChatApi {
  /** {@code ok:false} errors that Slack documents as temporary. */
  private static final Set<String> TRANSIENT = Set.of("ratelimited", "internal_error", "fatal_error",
      "service_unavailable", "request_timeout");
  private static final long TIMEOUT_MS = 10_000;

  private final HttpClientAgent client;
  private final String apiUrl;
  private final Secret token;

  public ChatApi(Vertx vertx, String apiUrl, Secret token) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
    this.apiUrl = apiUrl;
    this.token = token;
  }

  public Future<PostedMessage> postMessage(JsonObject body) {
    return call("chat.postMessage", body).map(answer -> {
      String ts = answer.getString("ts");
      if (ts == null) {
        throw new ChatApiException("chat.postMessage answered ok without a ts", false, null, null);
      }
      return new PostedMessage(answer.getString("channel", body.getString("channel")), ts);
    });
  }

  public Future<Void> update(JsonObject body) {
    return call("chat.update", body).mapEmpty();
  }

  /** A message only {@code user} sees, under the clicked message's channel. */
  public Future<Void> postEphemeral(String channel, String user, String text) {
    return call("chat.postEphemeral", new JsonObject().put("channel", channel).put("user", user).put("text", text))
        .mapEmpty();
  }

  /** One call; fails with {@link ChatApiException}. */
  public Future<JsonObject> call(String method, JsonObject body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(apiUrl + "/" + method)
        .setTimeout(TIMEOUT_MS)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Authorization", "Bearer " + token.reveal());
    return client.request(options)
        .compose(req -> req.send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> answer(method, resp, b.toString())))
        .recover(e -> Future.failedFuture(e instanceof ChatApiException ? e
            // network errors and timeouts: the message names the host, never the token
            : new ChatApiException(method + ": " + e.getMessage(), true, null, e)));
  }

  private static JsonObject answer(String method, HttpClientResponse resp, String text) {
    int status = resp.statusCode();
    if (status == 429 || status >= 500) {
      throw new ChatApiException(method + ": HTTP " + status, true, retryAfter(resp.getHeader("Retry-After")), null);
    }
    if (status != 200) {
      throw new ChatApiException(method + ": HTTP " + status, false, null, null);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ChatApiException(method + ": answer is not a JSON object", true, null, null);
    }
    if (!Boolean.TRUE.equals(json.getValue("ok"))) {
      String error = String.valueOf(json.getValue("error"));
      throw new ChatApiException(method + ": " + error, TRANSIENT.contains(error),
          retryAfter(resp.getHeader("Retry-After")), null);
    }
    return json;
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return null; // an HTTP date: rare for Slack; our own backoff applies
    }
  }

  public Future<Void> close() {
    return client.close();
  }
}
