package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.admin.AdminTestServer;
import dev.portcullis.admin.FakeApprovals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code portcullis approvals} against a real admin listener (real HTTP, real issuer tokens), run in-process with
 * the token in its environment as an approver would set it.
 */
class ApprovalsCliTest {
  static AdminTestServer admin;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    admin = new AdminTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
  }

  @BeforeEach
  void reset() {
    admin.approvals.clear();
  }

  static Run run(String token, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = token == null ? Map.of() : Map.of(ApprovalsCommand.TOKEN_VARIABLE, token);
    CommandLine cli = new CommandLine(new ApprovalsCommand(env::get))
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static String alice() {
    return admin.adminToken("alice", "db-owners");
  }

  @Test
  void listPrintsATableOfWhatTheApproverMayDecideWithTheAgentsTextDefused() {
    admin.approvals.add("0193a1b2-0000-7000-8000-000000000001", "ci-bot", List.of("db-owners"),
        "DELETE FROM orders\nWHERE id = $1 \u001b[2K\u202e", Arrays.asList("42", null));
    admin.approvals.add("0193a1b2-0000-7000-8000-000000000002", "ci-bot", List.of("security"), "DROP TABLE audit",
        List.of());

    Run r = run(alice(), "list", "--gateway", admin.url);
    assertEquals(0, r.exit(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(2, lines.length, r.out());
    assertTrue(lines[0].matches("ID\\s+REQUESTER\\s+TARGET\\s+RULE\\s+EXPIRES\\s+STATEMENT"), lines[0]);
    assertTrue(lines[1].startsWith("0193a1b2-0000-7000-8000-000000000001  ci-bot"), lines[1]);
    assertTrue(lines[1].contains("orders"), lines[1]);
    assertTrue(lines[1].contains("writes-need-review"), lines[1]);
    assertTrue(lines[1].matches(".*\\s[45]m\\d+s\\s.*"), "expires in about five minutes: " + lines[1]);
    assertTrue(lines[1].contains("DELETE FROM orders WHERE id = $1 \\u001b[2K\\u202e  [2 parameters: [\"42\",null]]"),
        lines[1]);
    assertFalse(r.out().contains("\u001b") || r.out().contains("\u202e"), "no raw escape reaches the terminal");
    assertFalse(r.out().contains("DROP TABLE"), "not alice's to decide");

    Run json = run(alice(), "list", "--gateway", admin.url + "/", "--json");
    assertEquals(0, json.exit(), json.err());
    JsonArray parsed = new JsonArray(json.out());
    assertEquals(1, parsed.size());
    assertEquals("DELETE FROM orders\nWHERE id = $1 \u001b[2K\u202e", parsed.getJsonObject(0).getString("text"));

    admin.approvals.clear();
    Run empty = run(alice(), "list", "--gateway", admin.url);
    assertEquals(0, empty.exit());
    assertEquals("No pending approval requests that you may decide.\n", empty.out());
  }

  @Test
  void approveAndDenyDecideAsTheTokensIdentityWithTheReason() {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    admin.approvals.add("a-2", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());

    Run approved = run(alice(), "approve", "a-1", "--gateway", admin.url, "--reason", "ticket OPS-7");
    assertEquals(0, approved.exit(), approved.err());
    assertEquals("approved a-1 by alice: ticket OPS-7\n", approved.out());
    FakeApprovals.Decided call = admin.approvals.calls.get(0);
    assertEquals("alice", call.approver().subject());
    assertTrue(call.approve());
    assertEquals("ticket OPS-7", call.reason());

    Run denied = run(alice(), "deny", "a-2", "--gateway", admin.url, "--json");
    assertEquals(0, denied.exit(), denied.err());
    JsonObject decision = new JsonObject(denied.out());
    assertEquals("denied", decision.getString("outcome"));
    assertEquals("alice", decision.getJsonObject("decidedBy").getString("subject"));
    assertFalse(admin.approvals.calls.get(1).approve());
  }

  @Test
  void refusalsExitOneWithTheGatewaysMessage() {
    admin.approvals.add("a-1", "ci-bot", List.of("db-owners"), "DELETE FROM orders", List.of());
    admin.approvals.add("a-own", "alice", List.of("db-owners"), "DELETE FROM orders", List.of());
    assertEquals(0, run(alice(), "approve", "a-1", "--gateway", admin.url).exit());

    Run again = run(alice(), "deny", "a-1", "--gateway", admin.url);
    assertEquals(1, again.exit());
    assertEquals("portcullis approvals: the gateway answered 409: approval request a-1 was already approved\n",
        again.err());
    Run own = run(alice(), "approve", "a-own", "--gateway", admin.url);
    assertEquals(1, own.exit());
    assertTrue(own.err().contains("403: 'alice' requested this statement and cannot approve it"), own.err());
    Run missing = run(alice(), "approve", "no such/id", "--gateway", admin.url);
    assertEquals(1, missing.exit());
    assertTrue(missing.err().contains("404: no pending approval request no such/id"), missing.err());

    String agentToken = admin.token("ci-bot", AdminTestServer.AGENT_AUDIENCE, "db-owners");
    Run agent = run(agentToken, "list", "--gateway", admin.url);
    assertEquals(1, agent.exit());
    assertTrue(agent.err().contains("401: token refused: wrong audience"), agent.err());
    assertFalse(agent.err().contains(agentToken), "the token is not echoed");
  }

  @Test
  void usageErrorsExitTwoAndAnUnreachableGatewayOne() throws Exception {
    Run noToken = run(null, "list", "--gateway", admin.url);
    assertEquals(2, noToken.exit());
    assertTrue(noToken.err().contains("PORTCULLIS_TOKEN is not set"), noToken.err());
    assertEquals(2, run(alice(), "list").exit(), "--gateway is required");
    assertEquals(2, run(alice(), "approve", "--gateway", admin.url).exit(), "the id is required");
    assertEquals(2, run(alice(), "list", "--gateway", "127.0.0.1:9180").exit(), "not a URL");
    assertEquals(2, run(alice(), "list", "--gateway", admin.url, "--token", "x").exit(), "no token flag exists");

    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Run down = run(alice(), "list", "--gateway", "http://127.0.0.1:" + closed);
    assertEquals(1, down.exit());
    assertTrue(down.err().contains("cannot reach the admin API at http://127.0.0.1:" + closed), down.err());
  }

  @Test
  void registeredAsAPortcullisCommand() {
    assertEquals(0, Main.run("approvals", "--help"));
    assertEquals(2, Main.run("approvals", "list"));
  }
}
