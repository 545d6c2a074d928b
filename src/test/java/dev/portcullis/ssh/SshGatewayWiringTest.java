package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.approval.ApprovalRefusedException;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.audit.Await;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.gateway.Gateway;
import dev.portcullis.identity.Identity;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH listener as {@code Gateway.start} wires it from config: the policy verticle judges each command from the
 * policy files, review rules hold commands and shells for the approvals verticle (decided through the gateway's
 * approval service, as the admin API does), and every channel is recorded as {@code io.frame} events in the journal.
 */
class SshGatewayWiringTest {
  private static final Identity OWNER = new Identity("owner-1", List.of("owners"), "test",
      Instant.now().plusSeconds(3600));
  @TempDir
  static Path dir;
  private static WiredSshGateway wired;
  private static MockOAuth2Server issuer;
  private static Gateway gateway;
  private static TestTarget target;
  private static int sshPort;
  private static String token;
  private static SshClient client;

  @BeforeAll
  static void start() throws Exception {
    wired = WiredSshGateway.start(dir, "ssh-gw", null,
        port -> new SshListenConfig("127.0.0.1", port, dir.resolve("ssh_host_key")));
    issuer = wired.issuer;
    gateway = wired.gateway;
    target = wired.target;
    sshPort = wired.sshPort;
    token = issuer.issueToken("default", "ssh-bot", "portcullis", Map.of("groups", List.of("ssh-agents"))).serialize();
    client = SshClient.setUpDefaultClient();
    client.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    if (wired != null) {
      wired.close();
    }
  }

  record Result(Integer exit, String out, String err) {}

  private static Result exec(String command) throws Exception {
    try (ClientSession session = login()) {
      return exec(session, command);
    }
  }

  private static ClientSession login() throws Exception {
    ClientSession session = client.connect("box", "127.0.0.1", sshPort).verify(10, TimeUnit.SECONDS).getSession();
    session.addPasswordIdentity(token);
    session.auth().verify(10, TimeUnit.SECONDS);
    return session;
  }

  private static Result exec(ClientSession session, String command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(10, TimeUnit.SECONDS);
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TimeUnit.SECONDS.toMillis(30));
      return new Result(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void policyFilesDecideEachCommandAndChannelsAreRecorded() throws Exception {
    Result hello = exec("echo hello-from-box");
    assertEquals(0, hello.exit(), hello.err());
    assertEquals("hello-from-box\n", hello.out());

    Result mixed = exec("echo hi; rm -rf /tmp/portcullis-never");
    assertEquals(126, mixed.exit());
    assertEquals("", mixed.out(), "nothing ran");
    assertTrue(mixed.err().contains("denied by rule 'no-rm' of policy 'box-agents'"), mixed.err());
    Result unlisted = exec("cat /etc/hostname");
    assertEquals(126, unlisted.exit());
    assertTrue(unlisted.err().contains("no rule allows exec 'cat /etc/hostname'"), unlisted.err());
    assertFalse(target.executed.stream().anyMatch(c -> c.contains("rm ") || c.contains("cat ")), target.executed::toString);

    Path sessions = dir.resolve("journal/portcullis.sessions.jsonl");
    Path recordings = dir.resolve("journal/portcullis.recordings.jsonl");
    Await.until(Duration.ofSeconds(20), () -> Files.exists(recordings)
        && Files.readString(recordings).contains("hello-from-box")
        && Files.readString(sessions).contains("\"rule\":\"no-rm\""), () -> "decisions and frames in the journal");
    String journal = Files.readString(sessions);
    assertTrue(journal.contains("\"rule\":\"echo-and-ls\""), journal);
    assertTrue(journal.contains("\"exitStatus\":0"), journal);
    assertFalse(journal.contains(token), "no token in events");
  }

  @Test
  void anIdentityNoPolicyCoversCannotLogInAndIsToldWhy() throws Exception {
    String outsider = issuer.issueToken("default", "stray-bot", "portcullis", Map.of("groups", List.of("interns")))
        .serialize();
    BannerLog log = new BannerLog();
    SshClient watching = SshClient.setUpDefaultClient();
    watching.setUserInteraction(log);
    watching.start();
    try (ClientSession session = watching.connect("box", "127.0.0.1", sshPort).verify(10, TimeUnit.SECONDS)
        .getSession()) {
      session.addPasswordIdentity(outsider);
      assertThrows(Exception.class, () -> session.auth().verify(10, TimeUnit.SECONDS));
    } finally {
      watching.stop();
    }
    assertTrue(log.banners.stream().anyMatch(b -> b.contains("no policy grants subject 'stray-bot' (groups: "
        + "interns) access to target 'box'")), log.banners.toString());
  }

  // --- review rules: the approvals verticle holds the channel ---------------------------------------------------

  @Test
  void aReviewedCommandWaitsUntilAnOwnerApprovesAndThenRunsOnce() throws Exception {
    Path marker = dir.resolve("approved-" + UUID.randomUUID());
    String command = "touch " + marker;
    CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> SshGatewayTest.quietly(() -> exec(command)));
    ApprovalRequest r = awaitRequest(command);
    assertEquals("ssh-bot", r.requester());
    assertEquals("box", r.session().target());
    assertEquals("ssh", r.session().protocol());
    assertEquals(List.of("exec"), r.kinds());
    assertEquals("touch-waits", r.rule());
    assertEquals(List.of("owners"), r.approverGroups());
    assertEquals(ApprovalRequest.Mode.HOLD, r.mode());
    assertFalse(run.isDone(), "the agent waits");
    assertFalse(target.executed.contains(command), "nothing reached the target while held");
    assertFalse(Files.exists(marker));

    decide(r, true, "ticket OPS-9");
    Result result = run.get(30, TimeUnit.SECONDS);
    assertEquals(0, result.exit(), result.err());
    assertTrue(Files.exists(marker), "it ran");
    assertEquals(1, target.executed.stream().filter(command::equals).count(), "once");
    assertTrue(result.err().contains("waiting for approval " + r.approvalId()), result.err());
    assertTrue(result.err().contains("approval " + r.approvalId() + " granted by owner-1 (via api)"), result.err());
    Await.until(Duration.ofSeconds(10), () -> journal("approvals.decisions").contains(r.approvalId())
        && journal("approvals.requests").contains(r.approvalId()), () -> "approval events in the journal");
  }

  @Test
  void aDeniedCommandExits126WithTheApproversWordsAndNeverRuns() throws Exception {
    Path marker = dir.resolve("denied-" + UUID.randomUUID());
    String command = "touch " + marker;
    CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> SshGatewayTest.quietly(() -> exec(command)));
    ApprovalRequest r = awaitRequest(command);
    decide(r, false, "not during the freeze");
    Result result = run.get(30, TimeUnit.SECONDS);
    assertEquals(126, result.exit());
    assertTrue(result.err().contains("approval " + r.approvalId() + " for rule 'touch-waits' of policy "
        + "'box-agents' was denied by owner-1 (via api): not during the freeze"), result.err());
    assertFalse(Files.exists(marker));
    assertFalse(target.executed.contains(command));
  }

  @Test
  void anUnansweredCommandExpiresAndTheConnectionGoesOn() throws Exception {
    try (ClientSession session = login()) {
      String command = "date -u +" + UUID.randomUUID().toString().substring(0, 8);
      Result expired = exec(session, command);
      assertEquals(126, expired.exit());
      assertTrue(expired.err().contains("expired"), expired.err());
      assertFalse(target.executed.contains(command));
      Result next = exec(session, "echo still-here");
      assertEquals("still-here\n", next.out(), next.err());
    }
  }

  @Test
  void retryModeRefusesAtOnceThenRunsTheSameCommandOnceAfterApproval() throws Exception {
    String command = "uname -s -" + "n".repeat(1 + (int) (Math.random() * 5));
    Result first = exec(command);
    assertEquals(126, first.exit());
    assertTrue(first.err().contains("was requested: run exactly the same command again after it is approved"),
        first.err());
    ApprovalRequest r = awaitRequest(command);
    assertEquals(ApprovalRequest.Mode.RETRY, r.mode());
    assertTrue(first.err().contains(r.approvalId()), first.err());
    assertFalse(target.executed.contains(command));
    decide(r, true, null);

    Await.until(Duration.ofSeconds(10), () -> journal("approvals.decisions").contains(r.approvalId()),
        () -> "the decision read back");
    Result granted = exec(command);
    assertEquals(0, granted.exit(), granted.err());
    assertFalse(granted.out().isBlank());
    Result again = exec(command);
    assertEquals(126, again.exit(), "the grant ran once");
    assertEquals(1, target.executed.stream().filter(command::equals).count());
  }

  @Test
  void aCommandWhoseAgentLeavesWhileHeldIsWithdrawnAndCannotBeApprovedLater() throws Exception {
    Path marker = dir.resolve("withdrawn-" + UUID.randomUUID());
    String command = "touch " + marker;
    ClientSession session = login();
    ChannelExec channel = session.createExecChannel(command);
    channel.open().verify(10, TimeUnit.SECONDS);
    ApprovalRequest r = awaitRequest(command);
    session.close(true);
    Await.until(Duration.ofSeconds(10), () -> gateway.approvals().pending().stream()
        .noneMatch(p -> p.approvalId().equals(r.approvalId())), () -> "withdrawn");
    assertTrue(journal("approvals.decisions").contains("\"withdrawn\""));
    ExecutionException late = assertThrows(ExecutionException.class,
        () -> gateway.approvals().decide(r.approvalId(), OWNER, true, null).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS));
    assertTrue(late.getCause() instanceof ApprovalRefusedException, late.toString());
    assertFalse(Files.exists(marker));
    assertFalse(target.executed.contains(command));
  }

  @Test
  void aReviewedShellOpensAfterApproval() throws Exception {
    try (ClientSession session = login(); ChannelShell shell = session.createShellChannel()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      shell.setOut(out);
      shell.setErr(out);
      shell.setIn(new java.io.ByteArrayInputStream("echo typed-after-approval\nexit 3\n".getBytes(
          StandardCharsets.UTF_8)));
      shell.open().verify(10, TimeUnit.SECONDS);
      ApprovalRequest r = awaitRequest("shell");
      assertEquals(List.of("shell"), r.kinds());
      assertFalse(target.lifecycle.contains("started shell"), "no shell on the target while held");
      decide(r, true, null);
      shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TimeUnit.SECONDS.toMillis(30));
      assertEquals(3, shell.getExitStatus(), out.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("typed-after-approval"));
    }
  }

  private static ApprovalRequest awaitRequest(String text) throws Exception {
    ApprovalRequest[] found = new ApprovalRequest[1];
    Await.until(Duration.ofSeconds(20), () -> {
      found[0] = gateway.approvals().pending().stream().filter(r -> r.text().equals(text)).findFirst()
          .orElse(null);
      return found[0] != null;
    }, () -> "a pending request for '" + text + "'; pending now: " + gateway.approvals().pending());
    return found[0];
  }

  private static void decide(ApprovalRequest r, boolean approve, String reason) throws Exception {
    gateway.approvals().decide(r.approvalId(), OWNER, approve, reason).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static String journal(String topic) throws Exception {
    Path file = dir.resolve("journal/portcullis." + topic + ".jsonl");
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
