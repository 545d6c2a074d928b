package dev.portcullis.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Mints a token from the dev issuer that {@code portcullis dev} runs, and prints only the token (so that
 * {@code PGPASSWORD=$(portcullis token …)} works). Real deployments get tokens from their identity provider.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Mint an access token from the dev issuer of a running `portcullis dev` (prints the token only).")
final class TokenCommand implements Callable<Integer> {
  @Option(names = "--issuer", defaultValue = "http://127.0.0.1:" + DevCommand.DEFAULT_ISSUER_PORT,
      description = "Dev issuer URL (default: ${DEFAULT-VALUE}).")
  String issuer;

  @Option(names = "--subject", defaultValue = "ci-bot", description = "Subject (sub) of the token (default: ${DEFAULT-VALUE}).")
  String subject;

  @Option(names = "--groups", split = ",", defaultValue = "ai-agents",
      description = "Comma-separated groups claim (default: ${DEFAULT-VALUE}).")
  List<String> groups;

  @Option(names = "--audience", defaultValue = DevCommand.AUDIENCE, description = "Audience (default: ${DEFAULT-VALUE}).")
  String audience;

  @Option(names = "--ttl", defaultValue = "3600", description = "Lifetime in seconds (default: ${DEFAULT-VALUE}).")
  long ttlSeconds;

  @Override
  public Integer call() throws Exception {
    String form = Map.of("sub", subject, "groups", String.join(",", groups), "aud", audience,
            "ttl", Long.toString(ttlSeconds))
        .entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest request = HttpRequest.newBuilder(URI.create(issuer.replaceAll("/+$", "") + "/token"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("portcullis token: cannot reach the dev issuer at " + issuer
          + " (is `portcullis dev` running?): " + e.getMessage());
      return 1;
    }
    if (response.statusCode() != 200) {
      System.err.println("portcullis token: dev issuer answered " + response.statusCode() + ": " + response.body());
      return 1;
    }
    System.out.println(new JsonObject(response.body()).getString("access_token"));
    return 0;
  }
}
