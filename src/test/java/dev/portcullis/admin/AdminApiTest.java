package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The admin API over real HTTP, with tokens from a real issuer: who may call it (approver audience only), what the
 * list shows to whom, how decisions and refusals map to status codes, and the limits on what a caller may send.
 */
class AdminApiTest {
  static AdminTestServer admin;
  static final HttpClient http = HttpClient.newHttpClient();
  static final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  /** Every token used, to prove none reaches a log line. */
  static final List<String> tokensUsed = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    logs.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    admin = new AdminTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    StringBuilder logged = new StringBuilder();
    synchronized (logs.list) {
      logs.list.forEach(e -> logged.append(e.getFormattedMessage()).append('\n'));
    }
    for (String token : tokensUsed) {
      for (String part : token.split("\\.")) {
        assertFalse(part.length() >= 16 && logged.toString().contains(part), "a token part was logged");
      }
    }
  }

  @BeforeEach
  void reset() {
    admin.approvals.clear();
  }

  static String token(String subject, String audience, String... groups) {
    String t = admin.token(subject, audience, groups);
    tokensUsed.add(t);
    return t;
  }

  static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin.url + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin.url + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String error(HttpResponse<String> response) {
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return new JsonObject(response.body()).getString("error");
  }

  // --- authentication -------------------------------------------------------------------------------------------

  @Test
  void approvalCallsWithoutATokenAreRefusedWithABearerChallenge() throws Exception {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    for (HttpResponse<String> r : List.of(get("/approvals", null), post("/approvals/a-1/approve", null, "{}"),
        post("/approvals/a-1/deny", null, ""))) {
      assertEquals(401, r.statusCode(), r.body());
      assertEquals("Bearer realm=\"portcullis-admin\"", r.headers().firstValue("WWW-Authenticate").orElseThrow());
      assertEquals("a bearer token is required", error(r));
    }
    HttpResponse<String> basic = http.send(HttpRequest.newBuilder(URI.create(admin.url + "/approvals"))
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, basic.statusCode());
    assertTrue(basic.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer "));
    assertTrue(admin.approvals.calls.isEmpty(), "nothing was decided");
  }

  @Test
  void anAgentsTokenForTheGatewayAudienceCannotListOrApprove() throws Exception {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    // Same issuer, same groups as a real approver: only the audience differs.
    String agentToken = token("mallory", AdminTestServer.AGENT_AUDIENCE, "db-owners");
    HttpResponse<String> list = get("/approvals", agentToken);
    assertEquals(401, list.statusCode());
    assertEquals("token refused: wrong audience", error(list));
    String challenge = list.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertTrue(challenge.startsWith("Bearer realm=\"portcullis-admin\", error=\"invalid_token\""), challenge);
    HttpResponse<String> approve = post("/approvals/a-1/approve", agentToken, "{}");
    assertEquals(401, approve.statusCode());
    assertFalse(approve.body().contains(agentToken.split("\\.")[1]), "the refusal quotes the token");
    assertTrue(admin.approvals.calls.isEmpty(), "the service was never asked");

    HttpResponse<String> forged = get("/approvals", "not.a.token");
    assertEquals(401, forged.statusCode());
    assertEquals("token refused: malformed token", error(forged));
  }

  // --- listing --------------------------------------------------------------------------------------------------

  @Test
  void listShowsOnlyRequestsTheCallerMayDecideWithEveryField() throws Exception {
    admin.approvals.add("a-db", "ci-bot", List.of("db-owners"), "DELETE FROM orders WHERE id = $1",
        Arrays.asList("42", null));
    admin.approvals.add("a-sec", "ci-bot", List.of("security"), "DROP TABLE audit", List.of());
    admin.approvals.add("a-own", "alice", List.of("db-owners"), "UPDATE orders SET x = 1", List.of());

    JsonArray alice = new JsonArray(get("/approvals", token("alice", AdminTestServer.ADMIN_AUDIENCE,
        "db-owners")).body());
    assertEquals(1, alice.size(), alice::encodePrettily);
    JsonObject r = alice.getJsonObject(0);
    assertEquals("a-db", r.getString("approvalId"));
    assertEquals("ci-bot", r.getJsonObject("requester").getString("subject"));
    assertEquals(new JsonArray().add("ai-agents"), r.getJsonObject("requester").getJsonArray("groups"));
    assertEquals("orders", r.getString("target"));
    assertEquals("s-a-db", r.getString("sessionId"));
    assertEquals("gw-test", r.getString("gatewayId"));
    assertEquals("DELETE FROM orders WHERE id = $1", r.getString("text"));
    assertEquals(new JsonArray().add("42").addNull(), r.getJsonArray("parameters"));
    assertEquals("writes-need-review", r.getString("rule"));
    assertEquals("agents", r.getString("policy"));
    assertEquals("writes need a person", r.getString("reason"));
    assertEquals(new JsonArray().add("db-owners"), r.getJsonArray("approverGroups"));
    assertEquals("hold", r.getString("mode"));
    assertEquals("sha256:a-db", r.getString("digest"));
    assertTrue(r.getString("expiresAt").endsWith("Z"), r.getString("expiresAt"));

    JsonArray both = new JsonArray(get("/approvals", token("bob", AdminTestServer.ADMIN_AUDIENCE,
        "db-owners", "security")).body());
    assertEquals(List.of("a-db", "a-sec", "a-own"), ids(both));
    JsonArray nobody = new JsonArray(get("/approvals", token("eve", AdminTestServer.ADMIN_AUDIENCE,
        "readers")).body());
    assertEquals(0, nobody.size());
  }

  private static List<String> ids(JsonArray a) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      ids.add(a.getJsonObject(i).getString("approvalId"));
    }
    return ids;
  }

  // --- deciding -------------------------------------------------------------------------------------------------

  @Test
  void approveAndDenyReachTheServiceAsTheTokensIdentity() throws Exception {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    admin.approvals.add("a-2", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    String alice = token("alice", AdminTestServer.ADMIN_AUDIENCE, "db-owners");

    HttpResponse<String> approved = post("/approvals/a-1/approve", alice, "{\"reason\": \"  ticket OPS-1  \"}");
    assertEquals(200, approved.statusCode(), approved.body());
    JsonObject d = new JsonObject(approved.body());
    assertEquals("a-1", d.getString("approvalId"));
    assertEquals("approved", d.getString("outcome"));
    assertEquals("alice", d.getJsonObject("decidedBy").getString("subject"));
    assertEquals("api", d.getJsonObject("decidedBy").getString("via"));
    assertEquals("ticket OPS-1", d.getString("reason"));
    assertEquals("sha256:a-1", d.getString("digest"));

    HttpResponse<String> denied = post("/approvals/a-2/deny", alice, "");
    assertEquals(200, denied.statusCode(), denied.body());
    assertEquals("denied", new JsonObject(denied.body()).getString("outcome"));
    assertNull(new JsonObject(denied.body()).getString("reason"));

    FakeApprovals.Decided first = admin.approvals.calls.get(0);
    assertEquals("a-1", first.approvalId());
    assertEquals("alice", first.approver().subject());
    assertEquals(List.of("db-owners"), first.approver().groups());
    assertTrue(first.approve());
    assertFalse(admin.approvals.calls.get(1).approve());
  }

  @Test
  void refusalsMapToNotFoundConflictAndForbidden() throws Exception {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    admin.approvals.add("a-own", "alice", List.of("db-owners"), "DELETE FROM orders", List.of());
    String alice = token("alice", AdminTestServer.ADMIN_AUDIENCE, "db-owners");

    HttpResponse<String> missing = post("/approvals/no-such-id/approve", alice, "{}");
    assertEquals(404, missing.statusCode());
    assertEquals("no pending approval request no-such-id", error(missing));

    assertEquals(200, post("/approvals/a-1/approve", alice, "{}").statusCode());
    HttpResponse<String> again = post("/approvals/a-1/deny", alice, "{}");
    assertEquals(409, again.statusCode());
    assertEquals("approval request a-1 was already approved", error(again));

    HttpResponse<String> own = post("/approvals/a-own/approve", alice, "{}");
    assertEquals(403, own.statusCode());
    assertTrue(error(own).contains("requested this statement and cannot approve it"), own.body());

    admin.approvals.add("a-3", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    HttpResponse<String> outsider = post("/approvals/a-3/approve",
        token("eve", AdminTestServer.ADMIN_AUDIENCE, "readers"), "{}");
    assertEquals(403, outsider.statusCode());
    assertTrue(error(outsider).contains("is not in an approver group"), outsider.body());
  }

  // --- limits ---------------------------------------------------------------------------------------------------

  @Test
  void bodiesAreBoundedAndReadStrictly() throws Exception {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    String alice = token("alice", AdminTestServer.ADMIN_AUDIENCE, "db-owners");

    HttpResponse<String> huge = post("/approvals/a-1/approve", alice,
        "{\"reason\": \"" + "x".repeat(AdminHttpVerticle.MAX_BODY_BYTES) + "\"}");
    assertEquals(413, huge.statusCode());
    assertTrue(error(huge).startsWith("request body larger than"), huge.body());

    HttpResponse<String> longReason = post("/approvals/a-1/approve", alice,
        "{\"reason\": \"" + "x".repeat(DecisionBody.MAX_REASON_CHARS + 1) + "\"}");
    assertEquals(400, longReason.statusCode());
    assertEquals("'reason' is longer than 1000 characters", error(longReason));

    HttpResponse<String> typo = post("/approvals/a-1/approve", alice, "{\"reasn\": \"ok\"}");
    assertEquals(400, typo.statusCode());
    assertEquals("unknown field in the body (expected only 'reason')", error(typo));

    assertEquals(400, post("/approvals/a-1/approve", alice, "[1]").statusCode());
    assertEquals(400, post("/approvals/a-1/approve", alice, "{\"reason\": 7}").statusCode());
    assertEquals(400, post("/approvals/a-1/approve", alice, "{\"reason\": \"a\\u001b[2Jb\"}").statusCode());
    assertTrue(admin.approvals.calls.isEmpty(), "nothing reached the service");

    // A chunked upload has no Content-Length: it is cut off while it streams.
    HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(URI.create(admin.url + "/approvals/a-1/deny"))
        .header("Authorization", "Bearer " + alice)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
            new byte[AdminHttpVerticle.MAX_BODY_BYTES * 4]))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(413, streamed.statusCode());
    assertTrue(admin.approvals.calls.isEmpty(), "nothing reached the service");

    assertEquals(200, post("/approvals/a-1/approve", alice, "{\"reason\": \"line one\\nline two\"}").statusCode());
  }

  @Test
  void unknownRoutesAre404AndWrongMethods405() throws Exception {
    HttpResponse<String> unknown = get("/admin", null);
    assertEquals(404, unknown.statusCode());
    assertEquals("no such endpoint", error(unknown));
    assertEquals(404, get("/approvals/", null).statusCode());
    assertEquals(404, post("/approvals/a/b/approve", null, "").statusCode());

    HttpResponse<String> wrong = post("/health", null, "");
    assertEquals(405, wrong.statusCode());
    assertEquals("GET", wrong.headers().firstValue("Allow").orElseThrow());
    HttpResponse<String> getDecision = get("/approvals/a-1/approve", null);
    assertEquals(405, getDecision.statusCode());
    assertEquals("POST", getDecision.headers().firstValue("Allow").orElseThrow());
    HttpResponse<String> deleteList = http.send(HttpRequest.newBuilder(URI.create(admin.url + "/approvals"))
        .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, deleteList.statusCode());
  }

  // --- health and metrics ---------------------------------------------------------------------------------------

  @Test
  void healthIsUpThen503WhileEventsCannotBeDeliveredAndSessionsAreRefused() throws Exception {
    HttpResponse<String> up = get("/health", null);
    assertEquals(200, up.statusCode());
    JsonObject body = new JsonObject(up.body());
    assertEquals("up", body.getString("status"));
    assertEquals("kafka", body.getJsonObject("events").getString("sink"));
    assertTrue(body.getJsonObject("events").getBoolean("deliverable"));
    assertEquals("refuse-sessions", body.getJsonObject("events").getString("onUnavailable"));

    long now = System.currentTimeMillis();
    try {
      admin.delivery.update(now, 0, now, now - 10 * AdminTestServer.MAX_OUTAGE_MS, false); // Kafka silent
      HttpResponse<String> down = get("/health", null);
      assertEquals(503, down.statusCode());
      JsonObject events = new JsonObject(down.body()).getJsonObject("events");
      assertEquals("degraded", new JsonObject(down.body()).getString("status"));
      assertFalse(events.getBoolean("deliverable"));
      assertFalse(events.getBoolean("admitsNewSessions"));
      assertEquals(0, events.getLong("sessionsRefused"), "a probe is not a refused session");
    } finally {
      admin.delivery.update(now, 0, now, now, false);
    }
    assertEquals(200, get("/health", null).statusCode());
  }
}
