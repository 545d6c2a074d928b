package dev.portcullis.ssh;

import static dev.portcullis.ssh.SshGatewayTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.config.YamlDocument;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.policy.PolicyEngine;
import dev.portcullis.policy.PolicyLoader;
import dev.portcullis.policy.PolicyVerticle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding that a rule allows, end to end with real parts: OpenSSH's {@code ssh} as the agent (token through
 * {@code sshpass}), the policy verticle judging over the bus with rules from YAML, OpenSSH's {@code sshd} as the
 * target, and TCP echo servers behind it that the forwards reach.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class ForwardingTest {
  @TempDir
  static Path tmp;
  static TestSshd sshd;
  static SshGatewayServer gateway;
  static Echo echo;
  static Echo echo6;
  /** A port nothing listens on, which a rule allows: the target's connect fails. */
  static int closedPort;
  /** A token of a subject whose policy allows exec only: no rule for any forward. */
  static String outsider;
  static final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  static final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(TestSshd.SSHD), "OpenSSH server not installed (openssh-server)");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sshpass")), "sshpass not installed");
    SshGatewayTest.dir = tmp;
    SshGatewayTest.start();
    var vertx = SshGatewayTest.vertx;
    Codecs.register(vertx);
    echo = new Echo("127.0.0.1");
    echo6 = new Echo("::1");
    outsider = SshGatewayTest.issuer.issueToken("default", "outside-bot", "portcullis",
        Map.of("groups", List.of("outsiders"))).serialize();
    String policies = """
        policies:
          - name: agents-on-real
            subjects: { groups: [agents] }
            targets: [real]
            rules:
              - { name: echo-only, action: allow, statements: [port-forward],
                  commands: ["127.0.0.1:%d", "[::1]:%d", "127.0.0.1:%d"] }
              - { name: not-ssh, action: deny, statements: [port-forward], commands: ["*:22"] }
              - { name: db-needs-review, action: review, statements: [port-forward], commands: ["*:5432"],
                  approvers: { groups: [owners] } }
              - { name: agent, action: allow, statements: [agent-forward] }
              - { name: agent-list, action: allow, statements: [exec], commands: ["ssh-add -l"] }
          - name: outsiders-on-real
            subjects: { groups: [outsiders] }
            targets: [real]
            rules:
              - { name: agent-list, action: allow, statements: [exec], commands: ["ssh-add -l"] }
        """.formatted(echo.actualPort(), echo6.actualPort(), closedPort = freePort());
    PolicyEngine engine = new PolicyEngine(null, Runnable::run, 16,
        PolicyLoader.load(YamlDocument.parse("forwarding.yaml", policies)));
    await(vertx.deployVerticle(new PolicyVerticle(engine)));
    Path sshdDir = Files.createDirectories(tmp.resolve("sshd"));
    sshd = new TestSshd(sshdDir);
    gateway = new SshGatewayServer(new SshListenConfig("127.0.0.1", 0, tmp.resolve("gw_host_key")),
        Map.of("real", new SshTargetConfig("real", "127.0.0.1", sshd.port, System.getProperty("user.name"),
            sshd.gatewayKeyFile, sshd.pinnedLine())),
        SshGatewayTest.validator, task -> vertx.runOnContext(v -> task.run()),
        new BusSshPolicy(vertx, dev.portcullis.events.SessionGate.OPEN), SshApprovals.UNAVAILABLE,
        new QueuedEvents(), ChannelRecorders.NONE);
    gateway.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    for (Echo e : new Echo[] {echo, echo6}) {
      if (e != null) {
        e.close();
      }
    }
    if (SshGatewayTest.vertx != null) {
      SshGatewayTest.stop();
    }
  }

  /**
   * A TCP echo server that writes back every byte before it ends its side (a thread per connection: simple and
   * exact). Vert.x's pipe was not used here: closing at end of input, it may drop what it had not written yet.
   */
  static final class Echo implements AutoCloseable {
    final ServerSocket server;

    Echo(String host) throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getByName(host));
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread t = new Thread(() -> echo(s));
            t.setDaemon(true);
            t.start();
          } catch (IOException closed) {
            return;
          }
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void echo(Socket s) {
      try (s) {
        s.getInputStream().transferTo(s.getOutputStream());
        s.shutdownOutput();
      } catch (IOException e) {
        // the other side went away
      }
    }

    int actualPort() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  record Run(int exit, String out, String err) {}

  static List<String> sshArgs(String... more) {
    List<String> args = new ArrayList<>(List.of("sshpass", "-e", "ssh", "-F", "/dev/null", "-p",
        String.valueOf(gateway.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
        "-o", "NumberOfPasswordPrompts=1", "-o", "ExitOnForwardFailure=yes"));
    args.addAll(List.of(more));
    return args;
  }

  static ProcessBuilder builder(String secret, Map<String, String> env, List<String> args) {
    ProcessBuilder b = new ProcessBuilder(args);
    b.environment().put("SSHPASS", secret); // never on a command line
    b.environment().putAll(env);
    return b;
  }

  static Run run(String secret, String stdin, Map<String, String> env, String... args) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = builder(secret, env, sshArgs(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ssh did not finish: " + List.of(args));
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** {@code ssh -v -N -L ...}, returned once OpenSSH says its local listener is up. */
  static Tunnel tunnel(String secret, int localPort, String to) throws Exception {
    return tunnel(secret, localPort, "-L", localPort + ":" + to);
  }

  /** @param how {@code -L} with {@code port:host:hostport}, or {@code -D} with {@code port} */
  static Tunnel tunnel(String secret, int localPort, String how, String spec) throws Exception {
    Process p = builder(secret, Map.of(), sshArgs("-v", "-N", how, spec, "real@127.0.0.1"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Tunnel t = new Tunnel(p, new CopyOnWriteArrayList<>(), new CompletableFuture<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          t.log().add(line);
          // OpenSSH says "listening on" just before it listens; the session starts once every listener is up.
          if (line.contains("Entering interactive session")
              && t.log().stream().anyMatch(l -> l.contains("listening on 127.0.0.1 port " + localPort + "."))) {
            t.listening().complete(null);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      t.listening().completeExceptionally(new AssertionError("ssh ended before listening: " + t.log()));
    });
    reader.setDaemon(true);
    reader.start();
    t.listening().get(30, TimeUnit.SECONDS);
    return t;
  }

  record Tunnel(Process process, List<String> log, CompletableFuture<Void> listening) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits for the next event that starts with {@code prefix}, passing over others (which stay in {@link #seen}). */
  static String awaitEvent(String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      long left = deadline - System.nanoTime();
      String next = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        throw new AssertionError("no event '" + prefix + "…'; seen: " + seen);
      }
      if (next.startsWith(prefix)) {
        return next;
      }
    }
  }

  @BeforeEach
  void forgetEarlierEvents() {
    events.clear();
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      s.append((char) c);
    }
    return s.toString();
  }

  @Test
  void localForwardToAnAllowedDestinationCarriesBytesBothWays() throws Exception {
    int local = freePort();
    try (Tunnel t = tunnel(SshGatewayTest.token, local, "127.0.0.1:" + echo.actualPort());
        Socket s = new Socket("127.0.0.1", local)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("through the target\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("through the target", readLine(s.getInputStream()));
      assertEquals("decided port-forward 'forward 127.0.0.1:" + echo.actualPort() + "' allow",
          awaitEvent("decided port-forward"));
      s.shutdownOutput(); // EOF travels to the echo server, which then closes: the forward ends cleanly
      assertEquals(-1, s.getInputStream().read());
      assertEquals("completed status=null signal=null error=null", awaitEvent("completed"));
    }
  }

  @Test
  void theAgentVanishingMidTransferEndsTheForward() throws Exception {
    int local = freePort();
    Tunnel t = tunnel(SshGatewayTest.token, local, "127.0.0.1:" + echo.actualPort());
    try (t; Socket s = new Socket("127.0.0.1", local)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write("still there?\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("still there?", readLine(s.getInputStream()));
      awaitEvent("decided port-forward");
      t.process().destroyForcibly(); // sshpass and its ssh: the agent's connection drops without a goodbye
      t.process().waitFor(20, TimeUnit.SECONDS);
      // the gateway closes its channel to the target too: the echo connection ends, and the statement completes
      assertEquals("completed status=null signal=null error=null", awaitEvent("completed"));
    }
  }

  @Test
  void localForwardToADestinationNoRuleAllowsIsClosed() throws Exception {
    int local = freePort();
    try (Tunnel t = tunnel(SshGatewayTest.token, local, "127.0.0.1:1");
        Socket s = new Socket("127.0.0.1", local)) {
      s.setSoTimeout(20_000);
      assertEquals(-1, readOrReset(s.getInputStream()));
      assertEquals("decided port-forward 'forward 127.0.0.1:1' deny", awaitEvent("decided port-forward"));
      awaitLog(t, "open failed: administratively prohibited: portcullis: refused: no rule allows port-forward"
          + " to '127.0.0.1:1'");
      assertTrue(t.process().isAlive(), "a refused forward leaves the session up");
    }
  }

  static int readOrReset(InputStream in) {
    try {
      return in.read();
    } catch (IOException reset) {
      return -1;
    }
  }

  static void awaitLog(Tunnel t, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (t.log().stream().noneMatch(l -> l.contains(text))) {
      assertTrue(System.nanoTime() < deadline, () -> "ssh never said '" + text + "': " + t.log());
      Thread.sleep(20); // the line is written by ssh's reader thread right after the refusal
    }
  }

  @Test
  void stdioForwardAllowedAndRefused() throws Exception {
    Run allowed = run(SshGatewayTest.token, "hello over -W\n", Map.of(), "-W", "127.0.0.1:" + echo.actualPort(),
        "real@127.0.0.1");
    assertEquals(0, allowed.exit(), allowed.err());
    assertEquals("hello over -W\n", allowed.out());
    awaitEvent("decided port-forward 'forward 127.0.0.1:" + echo.actualPort() + "' allow");
    awaitEvent("completed status=null signal=null error=null");

    Run denied = run(SshGatewayTest.token, "", Map.of(), "-W", "localhost:22", "real@127.0.0.1");
    assertEquals(255, denied.exit());
    assertTrue(denied.err().contains("administratively prohibited: portcullis: refused: denied by rule 'not-ssh'"
        + " of policy 'agents-on-real': port-forward to 'localhost:22' is denied"), denied.err());
    assertEquals("decided port-forward 'forward localhost:22' deny", awaitEvent("decided port-forward"));

    Run reviewed = run(SshGatewayTest.token, "", Map.of(), "-W", "localhost:5432", "real@127.0.0.1");
    assertEquals(255, reviewed.exit());
    assertTrue(reviewed.err().contains("administratively prohibited: portcullis: refused: approval required by rule"
        + " 'db-needs-review'") && reviewed.err().contains("forwards cannot wait for approval"), reviewed.err());
  }

  @Test
  void dynamicForwardJudgesEachDestinationTheSocksClientAsksFor() throws Exception {
    int local = freePort();
    java.net.Proxy socks = new java.net.Proxy(java.net.Proxy.Type.SOCKS,
        new java.net.InetSocketAddress("127.0.0.1", local));
    try (Tunnel t = tunnel(SshGatewayTest.token, local, "-D", String.valueOf(local))) {
      try (Socket s = new Socket(socks)) {
        s.setSoTimeout(20_000);
        s.connect(java.net.InetSocketAddress.createUnresolved("127.0.0.1", echo.actualPort()));
        s.getOutputStream().write("socks\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("socks", readLine(s.getInputStream()));
      }
      assertEquals("decided port-forward 'forward 127.0.0.1:" + echo.actualPort() + "' allow",
          awaitEvent("decided port-forward"));
      try (Socket s = new Socket(socks)) {
        s.setSoTimeout(20_000);
        // OpenSSH answers the SOCKS request only once the channel opened: a refusal is a failed SOCKS connect
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
            () -> s.connect(java.net.InetSocketAddress.createUnresolved("169.254.169.254", 80)));
      }
      assertEquals("decided port-forward 'forward 169.254.169.254:80' deny", awaitEvent("decided port-forward"));
    }
  }

  @Test
  void anAllowedDestinationTheTargetCannotReachFailsWithTheReason() throws Exception {
    Run failed = run(SshGatewayTest.token, "", Map.of(), "-W", "127.0.0.1:" + closedPort, "real@127.0.0.1");
    assertEquals(255, failed.exit());
    assertTrue(failed.err().contains("open failed: connect failed: portcullis: target 'real' could not open"
        + " 127.0.0.1:" + closedPort), failed.err());
    awaitEvent("decided port-forward 'forward 127.0.0.1:" + closedPort + "' allow");
    String completed = awaitEvent("completed");
    assertTrue(completed.contains("could not open 127.0.0.1:" + closedPort), completed);
  }

  @Test
  void ipv6DestinationsAreJudgedInBrackets() throws Exception {
    Run allowed = run(SshGatewayTest.token, "six\n", Map.of(), "-W", "[0:0::1]:" + echo6.actualPort(),
        "real@127.0.0.1");
    assertEquals(0, allowed.exit(), allowed.err());
    assertEquals("six\n", allowed.out());
    assertEquals("decided port-forward 'forward [::1]:" + echo6.actualPort() + "' allow",
        awaitEvent("decided port-forward"));
  }

  @Test
  void withoutARuleEveryForwardIsRefused() throws Exception {
    Run denied = run(outsider, "", Map.of(), "-W", "127.0.0.1:" + echo.actualPort(), "real@127.0.0.1");
    assertEquals(255, denied.exit());
    assertTrue(denied.err().contains("administratively prohibited: portcullis: refused: no rule allows"
        + " port-forward to '127.0.0.1:" + echo.actualPort() + "'"), denied.err());
    Run oddHost = run(SshGatewayTest.token, "", Map.of(), "-W", "0x7f000001:" + echo.actualPort(),
        "real@127.0.0.1");
    assertEquals(255, oddHost.exit());
    assertTrue(oddHost.err().contains("last label cannot start with a digit"), oddHost.err());
  }

  /**
   * A reader that stops reading holds the writer back through the whole path (agent's socket, both SSH channels,
   * the gateway, the target's socket, the echo server): what is in flight levels off far below what was sent, then
   * every byte arrives in order once the reader reads again.
   */
  @Test
  void aStalledReaderHoldsTheWriterBack() throws Exception {
    int local = freePort();
    long total = 256L << 20;
    try (Tunnel t = tunnel(SshGatewayTest.token, local, "127.0.0.1:" + echo.actualPort());
        Socket s = new Socket("127.0.0.1", local)) {
      s.setSoTimeout(20_000);
      // One round trip first: the channel is open end to end, so a pause below is back-pressure, not the open.
      s.getOutputStream().write(new byte[] {0});
      assertEquals(0, s.getInputStream().read());
      AtomicLong written = new AtomicLong();
      Thread writer = new Thread(() -> {
        byte[] chunk = new byte[64 * 1024];
        try {
          OutputStream out = s.getOutputStream(); // not closed: that would close the socket the test reads
          while (written.get() < total) {
            long at = written.get();
            for (int i = 0; i < chunk.length; i++) {
              chunk[i] = (byte) ((at + i) % 251);
            }
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
          s.shutdownOutput();
        } catch (IOException e) {
          // the test failed elsewhere
        }
      });
      writer.setDaemon(true);
      writer.start();
      // Nothing signals "the writer is blocked": watch its count until it stays put for two seconds.
      long last = -1;
      long stillSince = System.nanoTime();
      while (System.nanoTime() - stillSince < TimeUnit.SECONDS.toNanos(2)) {
        Thread.sleep(100);
        long now = written.get();
        if (now != last) {
          last = now;
          stillSince = System.nanoTime();
        }
        assertTrue(now < total, "the writer was never held back");
      }
      long inFlight = written.get();
      System.out.printf("back-pressure: the writer stopped at %d MiB in flight%n", inFlight >> 20);
      assertTrue(inFlight < 64L << 20, "in flight: " + inFlight);
      InputStream in = s.getInputStream();
      long readingSince = System.nanoTime();
      byte[] buf = new byte[256 * 1024];
      long read = 0;
      for (int n; read < total && (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != (byte) ((read + i) % 251)) {
            throw new AssertionError("byte " + (read + i) + " differs");
          }
        }
        read += n;
      }
      assertEquals(total, read);
      System.out.printf("back-pressure: then %d MiB echoed through the forward in %d ms%n", total >> 20,
          (System.nanoTime() - readingSince) / 1_000_000);
      writer.join(20_000);
    }
  }

  @Test
  void agentForwardingOnlyWhereARuleAllowsIt() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-agent")), "ssh-agent not installed");
    Path dir = Files.createTempDirectory(tmp, "agent");
    Path socket = dir.resolve("agent.sock");
    Process started = new ProcessBuilder("ssh-agent", "-s", "-a", socket.toString()).redirectErrorStream(true)
        .start();
    String script = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(started.waitFor(20, TimeUnit.SECONDS) && started.exitValue() == 0, script);
    java.util.regex.Matcher pid = java.util.regex.Pattern.compile("SSH_AGENT_PID=(\\d+)").matcher(script);
    assertTrue(pid.find(), script);
    ProcessHandle agentProcess = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
    try {
      Path key = dir.resolve("key");
      assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "forwarded-test-key",
          "-f", key.toString()).start().waitFor());
      ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
      add.environment().put("SSH_AUTH_SOCK", socket.toString());
      assertEquals(0, add.start().waitFor());
      Map<String, String> env = Map.of("SSH_AUTH_SOCK", socket.toString());

      Run allowed = run(SshGatewayTest.token, "", env, "-A", "real@127.0.0.1", "ssh-add -l");
      assertEquals(0, allowed.exit(), allowed.err());
      assertTrue(allowed.out().contains("forwarded-test-key (ED25519)"), allowed.out());
      assertEquals("decided agent-forward 'agent-forward' allow", awaitEvent("decided agent-forward"));

      // The same command for a subject no rule allows agent-forward: the target never gets an agent.
      Run refused = run(outsider, "", env, "-A", "real@127.0.0.1", "ssh-add -l");
      assertEquals(2, refused.exit(), refused.out() + refused.err());
      assertTrue(refused.err().contains("Could not open a connection to your authentication agent"), refused.err());
      assertEquals("decided agent-forward 'agent-forward' deny", awaitEvent("decided agent-forward"));

      // Without -A nothing is asked and nothing forwarded, whatever the rules allow.
      Run notAsked = run(SshGatewayTest.token, "", env, "real@127.0.0.1", "ssh-add -l");
      assertEquals(2, notAsked.exit(), notAsked.err());
    } finally {
      agentProcess.destroy(); // the ssh-agent this test started, by its pid
    }
  }

  @Test
  void x11IsRefusedAndReported() throws Exception {
    Run x11 = run(SshGatewayTest.token, "", Map.of("DISPLAY", "127.0.0.1:99"), "-X", "real@127.0.0.1",
        "ssh-add -l");
    assertTrue(x11.err().contains("X11 forwarding request failed"), x11.err());
    assertEquals("decided x11 'x11' deny", awaitEvent("decided x11"));
  }

  /** Events as short strings, queued for {@link #awaitEvent}. */
  static final class QueuedEvents implements SshSessionEvents {
    private static void add(String e) {
      seen.add(e);
      events.add(e);
    }

    @Override
    public void started(AgentSession session) {
      add("started " + session.identity().subject());
    }

    @Override
    public void decided(AgentSession session, String statementId, SshChannelRequest request, SshVerdict verdict) {
      add("decided " + request.kind().yamlName() + " '" + request.text() + "' "
          + (verdict instanceof SshVerdict.Allow ? "allow" : "deny"));
    }

    @Override
    public void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal,
        String error, long durationMs) {
      add("completed status=" + exitStatus + " signal=" + exitSignal + " error=" + error);
    }

    @Override
    public void ended(AgentSession session, String reason) {
      add("ended " + reason);
    }
  }
}
