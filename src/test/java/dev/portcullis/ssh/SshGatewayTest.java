package dev.portcullis.ssh;

import java.util.concurrent.CompletableFuture;
import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Policy;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import dev.portcullis.audit.Await;
import java.time.Instant;
import dev.portcullis.identity.TokenValidator;
import dev.portcullis.identity.Identity;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.OidcTokenValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH gateway end to end with real parts: a real OIDC issuer, the gateway's own listener, a MINA SSH target
 * running real processes, and agents using the MINA client (here) and OpenSSH ({@link OpenSshClientTest}).
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class SshGatewayTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  @TempDir
  static Path dir;
  static Vertx vertx;
  static MockOAuth2Server issuer;
  static OidcTokenValidator validator;
  static TestTarget target;
  static SshGatewayServer gateway;
  static SshClient agents;
  static Map<String, SshTargetConfig> targetConfigs;
  static String token;
  static final List<String> banners = new CopyOnWriteArrayList<>();
  static final List<String> events = new CopyOnWriteArrayList<>();
  static final List<SshChannelRequest> judged = new CopyOnWriteArrayList<>();
  static final BlockingQueue<AskedApproval> askedApprovals = new LinkedBlockingQueue<>();
  static final List<String> withdrawnApprovals = new CopyOnWriteArrayList<>();

  /** A request the approvals stand-in holds: the test completes {@code answer}. */
  record AskedApproval(String id, SshChannelRequest request, io.vertx.core.Promise<ApprovalAnswer> answer) {
    void decide(ApprovalDecision.Outcome outcome) {
      answer.complete(new ApprovalAnswer(new ApprovalDecision(id, "sha256:test", outcome,
          outcome.byPerson() ? new ApprovalDecision.Approver("owner-1", List.of("owners"), "api") : null,
          outcome == ApprovalDecision.Outcome.DENIED ? "not now" : null, Instant.now()), id));
    }
  }

  /** Output bytes that passed the gateway (through the recorder), for the back-pressure test. */
  static final AtomicLong recordedOutput = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    issuer = new MockOAuth2Server();
    issuer.start();
    validator = await(OidcTokenValidator.create(vertx,
        new OidcConfig(issuer.issuerUrl("default").toString(), "portcullis", "groups", Duration.ofSeconds(30))));
    token = issuer.issueToken("default", "ci-bot", "portcullis", Map.of("groups", List.of("agents"))).serialize();
    assertTrue(token.length() < 1023, "a token OpenSSH can send as a password: " + token.length());

    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = dir.resolve("gateway-to-box.key");
    GatewayHostKey.write(keyFile, gatewayKey);
    target = new TestTarget(gatewayKey.getPublic());
    String someoneElsesKey = PublicKeyEntry.toString(
        KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
    Map<String, SshTargetConfig> targets = Map.of(
        "box", new SshTargetConfig("box", "127.0.0.1", target.port(), "deploy", keyFile, target.pinnedLine()),
        "impostor", new SshTargetConfig("impostor", "127.0.0.1", target.port(), "deploy", keyFile,
            someoneElsesKey));
    SshPolicy policy = request -> {
      judged.add(request);
      if (EnumSet.of(SshChannelKind.PORT_FORWARD, SshChannelKind.AGENT_FORWARD, SshChannelKind.X11)
          .contains(request.kind())) { // as with no rule for them: ForwardingTest has the rules that allow them
        return Future.succeededFuture(SshVerdict.deny("no rule allows " + request.text()));
      }
      if (request.kind() == SshChannelKind.SUBSYSTEM) {
        return Future.succeededFuture(SshVerdict.deny("subsystem " + request.detail() + " is not allowed"));
      }
      if (request.detail() != null && request.detail().contains("forbidden")) {
        return Future.succeededFuture(SshVerdict.deny("'forbidden' commands are not allowed"));
      }
      if (request.detail() != null && request.detail().contains("needs-approval")) {
        return Future.succeededFuture(new SshVerdict.Review(new Decision.Review("test", "reviewed",
            "exec '" + request.detail() + "' needs approval by owners", List.of("owners"),
            Policy.ApprovalTerms.DEFAULT)));
      }
      return Future.succeededFuture(SshVerdict.ALLOW);
    };
    // Approvals stand-in: each request waits in askedApprovals until the test answers it; "approvals-down" fails.
    SshApprovals approvals = (agent, statementId, request, review) -> {
      if (request.detail().contains("approvals-down")) {
        return new SshApprovals.Pending(null, Future.failedFuture("no approvals verticle"), () -> {});
      }
      io.vertx.core.Promise<ApprovalAnswer> answer = io.vertx.core.Promise.promise();
      String id = "approval-" + askedApprovals.size();
      askedApprovals.add(new AskedApproval(id, request, answer));
      return new SshApprovals.Pending(id, answer.future(), () -> withdrawnApprovals.add(id));
    };
    ChannelRecorders recorders = (session, statementId, pty, cols, rows) -> new ChannelRecorder() {
      @Override
      public void output(byte[] b, int off, int len) {
        recordedOutput.addAndGet(len);
      }

      @Override
      public void input(byte[] b, int off, int len) {}

      @Override
      public void resized(int c, int r) {
        events.add("resized " + c + "x" + r);
      }

      @Override
      public void closed(Integer exitStatus, String exitSignal) {}
    };
    targetConfigs = targets;
    gateway = new SshGatewayServer(new SshListenConfig("127.0.0.1", 0, dir.resolve("data/ssh_host_key")), targets,
        validator, task -> vertx.runOnContext(v -> task.run()), policy, approvals, new RecordingEvents(),
        recorders);
    gateway.start();

    agents = SshClient.setUpDefaultClient();
    agents.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    agents.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    agents.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    agents.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE));
    agents.setUserInteraction(new BannerLog(banners, session -> session.getAttribute(ANSWER)));
    agents.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (agents != null) {
      agents.stop();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (target != null) {
      target.close();
    }
    if (validator != null) {
      await(validator.close());
    }
    if (issuer != null) {
      issuer.shutdown();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static int gatewayPort() {
    return gateway.port();
  }

  /** What the agents' keyboard-interactive answers: the session's password. */
  static final AttributeKey<String> ANSWER = new AttributeKey<>();

  /** An agent session authenticated with the password (or keyboard-interactive) method. */
  static ClientSession login(String targetName, String password) throws IOException {
    return login(gatewayPort(), targetName, password);
  }

  static ClientSession login(int port, String targetName, String password) throws IOException {
    ClientSession session = agents.connect(targetName, "127.0.0.1", port).verify(WAIT).getSession();
    session.setAttribute(ANSWER, password);
    session.addPasswordIdentity(password);
    session.auth().verify(WAIT);
    return session;
  }

  record Ran(Integer exitStatus, String out, String err) {}

  static Ran exec(ClientSession session, String command) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ChannelExec channel = session.createExecChannel(command)) {
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(WAIT);
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      return new Ran(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void execPassesOutputAndExitStatus() throws Exception {
    try (ClientSession session = login("box", token)) {
      Ran hello = exec(session, "echo hello");
      assertEquals(new Ran(0, "hello\n", ""), hello);
      Ran three = exec(session, "sh -c 'echo to-stderr >&2; exit 3'");
      assertEquals(new Ran(3, "", "to-stderr\n"), three);
    }
    assertTrue(events.stream().anyMatch(e -> e.equals("decided exec 'echo hello' allow")), events.toString());
    assertTrue(events.stream().anyMatch(e -> e.startsWith("completed status=3 signal=null")), events.toString());
  }

  @Test
  void keyboardInteractiveCarriesTheTokenToo() throws Exception {
    agents.setUserAuthFactories(List.of(UserAuthKeyboardInteractiveFactory.INSTANCE));
    try (ClientSession session = agents.connect("box", "127.0.0.1", gatewayPort()).verify(WAIT).getSession()) {
      session.setAttribute(ANSWER, token);
      session.auth().verify(WAIT);
      assertEquals(new Ran(0, "ki\n", ""), exec(session, "echo ki"));
    } finally {
      agents.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE));
    }
  }

  @Test
  void exitSignalIsPassedThrough() throws Exception {
    try (ClientSession session = login("box", token)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ChannelExec channel = session.createExecChannel("kill -TERM $$")) {
        channel.setOut(out);
        channel.open().verify(WAIT);
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        // MINA's process bridge on the target reports a signalled process as 128+n; the gateway passes it on
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        assertTrue((status != null && status == 143) || "TERM".equals(signal), status + " / " + signal);
      }
    }
  }

  @Test
  void wrongTokenAndUnknownTargetAreRefusedWithAReason() throws Exception {
    banners.clear();
    IOException wrong = assertThrows(IOException.class, () -> login("box", "not-a-token").close());
    assertNotNull(wrong);
    assertTrue(banners.stream().anyMatch(b -> b.startsWith("portcullis: token rejected")), banners.toString());
    String expired = issuer.issueToken("default", "ci-bot", "another-audience", Map.of()).serialize();
    assertThrows(IOException.class, () -> login("box", expired).close());
    banners.clear();
    assertThrows(IOException.class, () -> login("nope", token).close());
    assertTrue(banners.stream().anyMatch(b -> b.contains("unknown target 'nope'")), banners.toString());
    assertFalse(String.join("", banners).contains(token.substring(token.length() - 20)), "no token in a banner");
  }

  @Test
  void changedHostKeyRefusesTheConnection() throws Exception {
    try (ClientSession session = login("impostor", token)) {
      Ran ran = exec(session, "echo should-not-run");
      assertEquals(BridgedCommand.GATEWAY_ERROR, ran.exitStatus());
      assertTrue(ran.err().contains("the host key of target 'impostor'") && ran.err().contains(
          "is not the pinned one"), ran.err());
      assertEquals("", ran.out());
    }
    assertFalse(target.executed.contains("echo should-not-run"));
  }

  @Test
  void policyRefusalIsAClearMessageAndNothingRuns() throws Exception {
    try (ClientSession session = login("box", token)) {
      Ran ran = exec(session, "echo forbidden > /tmp/x");
      assertEquals(BridgedCommand.REFUSED, ran.exitStatus());
      assertEquals("portcullis: refused: 'forbidden' commands are not allowed\n", ran.err());
      // the session stays usable
      assertEquals(0, exec(session, "true").exitStatus());
    }
    assertFalse(target.executed.stream().anyMatch(c -> c.contains("forbidden")), target.executed.toString());
    assertTrue(events.contains("decided exec 'echo forbidden > /tmp/x' deny"), events.toString());
  }

  @Test
  void sftpSubsystemIsJudgedAndRefused() throws Exception {
    try (ClientSession session = login("box", token);
        ChannelSubsystem sftp = session.createSubsystemChannel("sftp")) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      sftp.setErr(err);
      sftp.setOut(OutputStream.nullOutputStream());
      sftp.open().verify(WAIT);
      sftp.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      assertEquals(BridgedCommand.REFUSED, sftp.getExitStatus());
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("subsystem sftp is not allowed"), err.toString());
    }
  }

  @Test
  void portForwardingIsRefused() throws Exception {
    try (ClientSession session = login("box", token)) {
      ClientChannel tunnel = session.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
          new SshdSocketAddress("127.0.0.1", target.port()));
      Exception e = assertThrows(Exception.class, () -> tunnel.open().verify(WAIT));
      // MINA sends its own text with the reason code; OpenSSH prints "open failed: administratively prohibited"
      Throwable cause = e;
      while (cause != null && !(cause instanceof SshChannelOpenException)) {
        cause = cause.getCause();
      }
      assertNotNull(cause, e.toString());
      assertEquals(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, ((SshChannelOpenException) cause).getReasonCode());
      assertThrows(Exception.class, () -> session.startRemotePortForwarding(new SshdSocketAddress("127.0.0.1", 0),
          new SshdSocketAddress("127.0.0.1", target.port())));
      // the session survives both refusals
      assertEquals(0, exec(session, "true").exitStatus());
    }
    assertTrue(events.contains("decided port-forward 'forward 127.0.0.1:" + target.port() + "' deny"),
        events.toString());
  }

  @Test
  void shellWithPtyRelaysTermAndWindowChanges() throws Exception {
    try (ClientSession session = login("box", token);
        ChannelShell shell = session.createShellChannel()) {
      shell.setPtyType("xterm-256color");
      shell.setPtyColumns(100);
      shell.setPtyLines(30);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      java.io.PipedInputStream keyboard = new java.io.PipedInputStream();
      java.io.PipedOutputStream typing = new java.io.PipedOutputStream(keyboard);
      shell.setOut(out);
      shell.setErr(out);
      shell.setIn(keyboard);
      shell.open().verify(WAIT);
      typing.write("echo ready\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      awaitOutput(out, "ready");
      target.windowChanges.clear();
      shell.sendWindowChange(132, 43);
      assertEquals("132x43", target.windowChanges.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
      typing.write("echo $TERM; exit\n".getBytes(StandardCharsets.UTF_8));
      typing.flush();
      shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("xterm-256color"), out.toString());
      assertEquals(0, shell.getExitStatus());
    }
    assertTrue(events.contains("resized 132x43"), events.toString());
  }

  /** Waits (bounded) until the bytes written so far contain {@code text}. */
  static void awaitOutput(ByteArrayOutputStream out, String text) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' in: " + out);
      Thread.sleep(20);
    }
  }

  @Test
  void hugeOutputIsPacedByTheSlowReader() throws Exception {
    long total = 50L * 1024 * 1024;
    CountDownLatch resume = new CountDownLatch(1);
    AtomicLong received = new AtomicLong();
    OutputStream slow = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          resume.await(); // the agent stops reading: MINA's client does not re-open its window meanwhile
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        received.addAndGet(len);
      }
    };
    try (ClientSession session = login("box", token);
        ChannelExec channel = session.createExecChannel("head -c " + total + " /dev/zero")) {
      channel.setOut(slow);
      long before = recordedOutput.get();
      channel.open().verify(WAIT);
      // Wait for the first bytes (the gateway connects to the target first), then until the gateway stops passing
      // bytes on; then it must hold no more than a couple of windows' worth.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (recordedOutput.get() == before) {
        assertTrue(System.nanoTime() < deadline, "no output reached the gateway");
        Thread.sleep(20);
      }
      long seen = -1;
      long now = recordedOutput.get() - before;
      while (now != seen) {
        assertTrue(System.nanoTime() < deadline, "the gateway kept reading while the agent read none: " + now);
        seen = now;
        Thread.sleep(300);
        now = recordedOutput.get() - before;
      }
      assertTrue(now < 16L * 1024 * 1024, "the gateway read " + now + " bytes while the agent read none");
      resume.countDown();
      channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(120));
      assertEquals(0, channel.getExitStatus());
      assertEquals(total, received.get());
    }
  }

  @Test
  void abruptAgentDisconnectClosesTheTargetChannel() throws Exception {
    ClientSession session = login("box", token);
    ChannelExec channel = session.createExecChannel("sleep 61");
    channel.open().verify(WAIT);
    target.await("started sleep 61");
    session.close(true); // no channel close, no disconnect message: the socket just goes away
    target.await("closed sleep 61");
  }

  @Test
  void targetDroppingTheConnectionEndsTheAgentsChannelWithAnError() throws Exception {
    try (ClientSession session = login("box", token)) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try (ChannelExec channel = session.createExecChannel("sleep 62")) {
        channel.setErr(err);
        channel.setOut(OutputStream.nullOutputStream());
        channel.open().verify(WAIT);
        target.await("started sleep 62");
        target.server.getActiveSessions().forEach(s -> s.close(true)); // the target's side just goes away
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        assertEquals(BridgedCommand.GATEWAY_ERROR, channel.getExitStatus());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ended without an exit status"), err.toString());
      }
      // the agent's session survives, and the next command connects to the target again
      assertEquals(new Ran(0, "again\n", ""), exec(session, "echo again"));
    }
  }

  interface Call<T> {
    T call() throws Exception;
  }

  static <T> T quietly(Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  @Test
  void aHeldCommandRunsOnlyWhenApprovedAndIsWithdrawnWhenTheAgentLeaves() throws Exception {
    try (ClientSession session = login("box", token)) {
      CompletableFuture<Ran> approved = CompletableFuture.supplyAsync(() -> quietly(() -> exec(session,
          "echo needs-approval 1")));
      AskedApproval first = askedApprovals.poll(20, TimeUnit.SECONDS);
      assertEquals("echo needs-approval 1", first.request().detail());
      assertFalse(target.executed.contains("echo needs-approval 1"), "held: nothing on the target");
      first.decide(ApprovalDecision.Outcome.APPROVED);
      Ran ran = approved.get(20, TimeUnit.SECONDS);
      assertEquals(0, ran.exitStatus(), ran.err());
      assertEquals("needs-approval 1\n", ran.out());
      assertTrue(ran.err().startsWith("portcullis: approval required by rule 'reviewed' of policy 'test': exec "
          + "'echo needs-approval 1' needs approval by owners; waiting for approval " + first.id() + " (up to 5m)\n"
          + "portcullis: approval " + first.id() + " granted by owner-1 (via api); running\n"), ran.err());

      CompletableFuture<Ran> denied = CompletableFuture.supplyAsync(() -> quietly(() -> exec(session,
          "echo needs-approval 2")));
      askedApprovals.poll(20, TimeUnit.SECONDS).decide(ApprovalDecision.Outcome.DENIED);
      Ran refused = denied.get(20, TimeUnit.SECONDS);
      assertEquals(BridgedCommand.REFUSED, refused.exitStatus());
      assertTrue(refused.err().contains("was denied by owner-1 (via api): not now"), refused.err());
      assertEquals("", refused.out());

      CompletableFuture<Ran> stopping = CompletableFuture.supplyAsync(() -> quietly(() -> exec(session,
          "echo needs-approval 4")));
      askedApprovals.poll(20, TimeUnit.SECONDS).decide(ApprovalDecision.Outcome.WITHDRAWN);
      Ran withdrawn = stopping.get(20, TimeUnit.SECONDS);
      assertEquals(BridgedCommand.GATEWAY_ERROR, withdrawn.exitStatus());
      assertTrue(withdrawn.err().contains("the gateway is stopping; the command waiting for approval"),
          withdrawn.err());

      Ran down = exec(session, "echo needs-approval approvals-down");
      assertEquals(BridgedCommand.REFUSED, down.exitStatus());
      assertEquals("portcullis: refused: the command needs approval, but approvals could not be reached\n",
          down.err());
    }
    try (ClientSession leaving = login("box", token)) {
      leaving.createExecChannel("echo needs-approval 3").open().verify(10, TimeUnit.SECONDS);
      AskedApproval third = askedApprovals.poll(20, TimeUnit.SECONDS);
      leaving.close(true);
      Await.until(WAIT, () -> withdrawnApprovals.contains(third.id()), () -> "withdrawn: " + withdrawnApprovals);
      third.decide(ApprovalDecision.Outcome.APPROVED); // too late: the channel is gone
    }
    assertFalse(target.executed.stream().anyMatch(c -> c.contains("needs-approval 2")
        || c.contains("needs-approval 3") || c.contains("needs-approval 4") || c.contains("approvals-down")),
        target.executed::toString);
  }

  @Test
  void aConnectionThatOutlivesItsTokenGetsNoNewChannels() throws Exception {
    Instant expiry = Instant.now().plusMillis(1500);
    TokenValidator shortLived = t -> Future.succeededFuture(new Identity("brief-bot", List.of("agents"), "test",
        expiry));
    SshTerminationVerticle verticle = new SshTerminationVerticle(
        new SshListenConfig("127.0.0.1", 0, dir.resolve("data/brief_host_key")), targetConfigs, shortLived,
        AcceptAllSshPolicy.INSTANCE, SshApprovals.UNAVAILABLE, SshSessionEvents.NONE, ChannelRecorders.NONE);
    String id = await(vertx.deployVerticle(verticle));
    try (ClientSession session = login(verticle.actualPort(), "box", "any")) {
      assertEquals(new Ran(0, "before\n", ""), exec(session, "echo before"));
      Await.until(Duration.ofSeconds(10), () -> Instant.now().isAfter(expiry), () -> "past the token's expiry");
      Ran after = exec(session, "echo after");
      assertEquals(BridgedCommand.REFUSED, after.exitStatus());
      assertTrue(after.err().contains("the token expired at " + expiry), after.err());
      assertEquals("", after.out());
    } finally {
      await(vertx.undeploy(id));
    }
  }

  @Test
  void terminationVerticleServesTheSameWay() throws Exception {
    SshTerminationVerticle verticle = new SshTerminationVerticle(
        new SshListenConfig("127.0.0.1", 0, dir.resolve("data/verticle_host_key")), targetConfigs, validator,
        AcceptAllSshPolicy.INSTANCE, SshApprovals.UNAVAILABLE, SshSessionEvents.NONE, ChannelRecorders.NONE);
    String id = await(vertx.deployVerticle(verticle));
    try (ClientSession session = login(verticle.actualPort(), "box", token)) {
      assertEquals(new Ran(0, "via verticle\n", ""), exec(session, "echo via verticle"));
    } finally {
      await(vertx.undeploy(id));
    }
    assertThrows(IOException.class, () -> login(verticle.actualPort(), "box", token).close(), "stopped");
  }

  @Test
  void envRequestsAndAgentForwardingAreRefused() throws Exception {
    try (ClientSession session = login("box", token)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ChannelExec channel = session.createExecChannel("echo ${SNEAKY:-unset}")) {
        channel.setEnv("SNEAKY", "LD_PRELOAD-ish");
        channel.setAgentForwarding(true);
        channel.setOut(out);
        channel.open().verify(WAIT);
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), WAIT);
        assertEquals(0, channel.getExitStatus());
      }
      assertEquals("unset\n", out.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void hostKeyIsGeneratedOnceOwnerOnly() throws Exception {
    Path key = dir.resolve("data/ssh_host_key");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    KeyPair again = GatewayHostKey.loadOrCreate(key);
    assertTrue(KeyUtils.compareKeys(again.getPublic(), GatewayHostKey.load(key).getPublic()));
    assertEquals("ssh-ed25519", KeyUtils.getKeyType(again.getPublic()));
  }

  /** Events as short strings. */
  static final class RecordingEvents implements SshSessionEvents {
    @Override
    public void started(AgentSession session) {
      events.add("started " + session.identity().subject() + " " + session.target().name());
    }

    @Override
    public void decided(AgentSession session, String statementId, SshChannelRequest request, SshVerdict verdict) {
      events.add("decided " + request.kind().yamlName() + " '" + request.text() + "' "
          + (verdict instanceof SshVerdict.Allow ? "allow" : "deny"));
    }

    @Override
    public void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal,
        String error, long durationMs) {
      events.add("completed status=" + exitStatus + " signal=" + exitSignal + " error=" + error);
    }

    @Override
    public void ended(AgentSession session, String reason) {
      events.add("ended " + reason);
    }
  }
}
