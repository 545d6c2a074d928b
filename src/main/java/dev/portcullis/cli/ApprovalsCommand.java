package dev.portcullis.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code portcullis approvals list|approve ID|deny ID --gateway URL}: the admin API (design-notes §4b) from a
 * terminal. The token comes from {@code PORTCULLIS_TOKEN} only: a flag would show it in the process list.
 *
 * <p>Exit codes: 0 done, 1 the gateway refused or could not be reached (its message is printed), 2 usage.
 */
@Command(name = "approvals", mixinStandardHelpOptions = true,
    description = {"List and decide statements held for approval, through a gateway's admin API.",
        "The token (for the approvers' audience, e.g. portcullis-admin) is read from PORTCULLIS_TOKEN."},
    subcommands = {ApprovalsCommand.ListRequests.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
final class ApprovalsCommand {
  static final String TOKEN_VARIABLE = "PORTCULLIS_TOKEN";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Function<String, String> env;

  ApprovalsCommand() {
    this(System::getenv);
  }

  /** @param env where {@code PORTCULLIS_TOKEN} is read (tests pass a map's {@code get}) */
  ApprovalsCommand(Function<String, String> env) {
    this.env = env;
  }

  /** Options every subcommand takes. */
  static final class GatewayOptions {
    @Option(names = "--gateway", required = true, paramLabel = "URL",
        description = "The gateway's admin API, e.g. http://127.0.0.1:9180 (listen.admin).")
    String gateway;

    @Option(names = "--json", description = "Print the API's JSON instead of a table or a sentence.")
    boolean json;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the pending requests you may decide (never your own).")
  static final class ListRequests implements Callable<Integer> {
    @ParentCommand ApprovalsCommand parent;
    @Mixin GatewayOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Call call = parent.call(spec, options);
      HttpResponse<String> response = call.send(call.request("/approvals").GET().build());
      if (response == null || response.statusCode() != 200) {
        return call.refused(response);
      }
      PrintWriter out = spec.commandLine().getOut();
      JsonArray pending = new JsonArray(response.body());
      if (options.json) {
        out.println(pending.encodePrettily());
      } else if (pending.isEmpty()) {
        out.println("No pending approval requests that you may decide.");
      } else {
        PendingTable.print(pending, Instant.now(), out);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code approve} and {@code deny}: the same call to a different path. */
  abstract static class Decide implements Callable<Integer> {
    @ParentCommand ApprovalsCommand parent;
    @Mixin GatewayOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The approval id (from `approvals list`).")
    String approvalId;

    @Option(names = "--reason", paramLabel = "TEXT",
        description = "Why (shown to the agent, in chat and in the audit trail; at most 1000 characters).")
    String reason;

    abstract String verb();

    @Override
    public Integer call() {
      Call call = parent.call(spec, options);
      JsonObject body = new JsonObject();
      if (reason != null) {
        body.put("reason", reason);
      }
      String path = "/approvals/" + URLEncoder.encode(approvalId, StandardCharsets.UTF_8).replace("+", "%20")
          + "/" + verb();
      HttpResponse<String> response = call.send(call.request(path)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
          .build());
      if (response == null || response.statusCode() != 200) {
        return call.refused(response);
      }
      PrintWriter out = spec.commandLine().getOut();
      JsonObject decision = new JsonObject(response.body());
      if (options.json) {
        out.println(decision.encodePrettily());
      } else {
        JsonObject by = decision.getJsonObject("decidedBy");
        out.println(decision.getString("outcome") + " " + decision.getString("approvalId")
            + (by == null ? "" : " by " + by.getString("subject"))
            + (decision.getString("reason") == null ? "" : ": " + decision.getString("reason")));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approve a held statement: it runs once, exactly as listed.")
  static final class Approve extends Decide {
    @Override
    String verb() {
      return "approve";
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true,
      description = "Deny a held statement: the agent gets SQLSTATE 42501 (an SSH command: exit status 126) naming"
          + " you and the reason.")
  static final class Deny extends Decide {
    @Override
    String verb() {
      return "deny";
    }
  }

  /** Checks the usage (token present, URL sane) before any network call; problems are usage errors (exit 2). */
  Call call(CommandLine.Model.CommandSpec spec, GatewayOptions options) {
    return Call.open(spec, env, options.gateway, "portcullis approvals", "for the approvers' audience");
  }

  /**
   * One request to the admin API and its error reporting (shared with {@code ssh-cert}).
   *
   * @param program what error lines start with ({@code portcullis approvals})
   */
  record Call(URI base, String token, PrintWriter err, String program) {
    /**
     * Checks the usage (token present, URL sane) before any network call; problems are usage errors (exit 2).
     *
     * @param audience what the missing-token message says the token is for
     */
    static Call open(CommandLine.Model.CommandSpec spec, Function<String, String> env, String gateway,
        String program, String audience) {
      String token = env.apply(TOKEN_VARIABLE);
      if (token == null || token.isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), TOKEN_VARIABLE + " is not set: export a token "
            + audience + " (it is never taken as a flag, which other users could read)");
      }
      URI base;
      try {
        base = URI.create(gateway.replaceAll("/+$", ""));
      } catch (IllegalArgumentException e) {
        base = null;
      }
      if (base == null || base.getHost() == null
          || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--gateway must be an http(s) URL such as http://127.0.0.1:9180, got '" + gateway + "'");
      }
      return new Call(base, token.strip(), spec.commandLine().getErr(), program);
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(base + path))
          .timeout(TIMEOUT)
          .header("Accept", "application/json")
          .header("Authorization", "Bearer " + token);
    }

    /** The response, or {@code null} after printing why the gateway could not be reached. */
    HttpResponse<String> send(HttpRequest request) {
      try {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
            .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        err.println(program + ": cannot reach the admin API at " + base + ": " + e);
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println(program + ": interrupted");
        return null;
      }
    }

    /** Prints the gateway's own message for a refusal; exit code 1. */
    int refused(HttpResponse<String> response) {
      if (response != null) {
        String message;
        try {
          message = new JsonObject(response.body()).getString("error");
        } catch (DecodeException | ClassCastException e) {
          message = null;
        }
        err.println(program + ": the gateway answered " + response.statusCode() + ": "
            + PendingTable.printable(message != null ? message : response.body(), 500));
      }
      err.flush();
      return 1;
    }
  }

  /** The readable form of {@code GET /approvals}. */
  static final class PendingTable {
    private PendingTable() {}

    static void print(JsonArray pending, Instant now, PrintWriter out) {
      // The id is never shortened: it is what the approver copies into `approve`.
      int idWidth = 2;
      for (int i = 0; i < pending.size(); i++) {
        idWidth = Math.max(idWidth, printable(pending.getJsonObject(i).getString("approvalId", ""), 200).length());
      }
      String format = "%-" + idWidth + "s  %-16s  %-12s  %-20s  %-8s  %s%n";
      out.printf(format, "ID", "REQUESTER", "TARGET", "RULE", "EXPIRES", "STATEMENT");
      for (int i = 0; i < pending.size(); i++) {
        JsonObject r = pending.getJsonObject(i);
        JsonObject requester = r.getJsonObject("requester", new JsonObject());
        JsonArray parameters = r.getJsonArray("parameters", new JsonArray());
        String statement = printable(r.getString("text", ""), 120)
            + (parameters.isEmpty() ? "" : "  [" + parameters.size() + " parameter"
                + (parameters.size() == 1 ? "" : "s") + ": " + printable(parameters.encode(), 80) + "]");
        out.printf(format, printable(r.getString("approvalId", ""), 200),
            printable(requester.getString("subject", ""), 16), printable(r.getString("target", ""), 12),
            printable(r.getString("rule", ""), 20), expiresIn(r.getString("expiresAt"), now), statement);
      }
    }

    private static String expiresIn(String expiresAt, Instant now) {
      try {
        long s = Duration.between(now, Instant.parse(expiresAt)).toSeconds();
        return s <= 0 ? "expired" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
      } catch (DateTimeParseException | NullPointerException e) {
        return "?";
      }
    }

    /**
     * One line, bounded, with control characters shown as escapes: the statement text is the agent's, and a
     * terminal escape sequence in it could otherwise rewrite what the approver sees.
     */
    static String printable(String s, int max) {
      if (s == null) {
        return "";
      }
      StringBuilder out = new StringBuilder(Math.min(s.length(), max + 1));
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\n' || c == '\r' || c == '\t') {
          out.append(' ');
        } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
        if (out.length() >= max) {
          return out.substring(0, max - 1) + "…";
        }
      }
      return out.toString();
    }
  }
}
