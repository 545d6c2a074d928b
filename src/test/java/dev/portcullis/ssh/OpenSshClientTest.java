package dev.portcullis.ssh;

import static dev.portcullis.ssh.SshGatewayTest.dir;
import static dev.portcullis.ssh.SshGatewayTest.gatewayPort;
import static dev.portcullis.ssh.SshGatewayTest.target;
import static dev.portcullis.ssh.SshGatewayTest.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same gateway with OpenSSH's {@code ssh} and {@code sftp} as the agent; the token goes in through
 * {@code sshpass} (Debian package {@code sshpass}). Skipped, saying why, where either is missing.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class OpenSshClientTest {
  @TempDir
  static Path tmp;

  @BeforeAll
  static void startGateway() throws Exception {
    SshGatewayTest.dir = tmp;
    SshGatewayTest.start();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    SshGatewayTest.stop();
  }

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void clientsInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")),
        "OpenSSH client not installed (apt-get install openssh-client)");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sshpass")),
        "sshpass not installed (apt-get install sshpass): needed to type the token into OpenSSH");
  }

  /** {@code sshpass -e PROGRAM} with the token in SSHPASS (never on a command line) and no user config. */
  Run run(String secret, String stdin, Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("sshpass", "-e"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SSHPASS", secret);
    builder.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "OpenSSH did not finish: " + command);
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  List<String> sshArgs(String... more) {
    return sshArgsWith("password", more);
  }

  /** @param method the one authentication method OpenSSH tries (its first -o of a kind wins, so only one here) */
  List<String> sshArgsWith(String method, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p",
        String.valueOf(gatewayPort()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=" + method,
        "-o", "NumberOfPasswordPrompts=1"));
    args.addAll(List.of(more));
    return args;
  }

  Run ssh(String secret, String targetName, String command) throws Exception {
    return run(secret, "", Map.of(), sshArgs(targetName + "@127.0.0.1", command).toArray(String[]::new));
  }

  @Test
  void execOutputAndExitStatus() throws Exception {
    Run hello = ssh(token, "box", "echo hello");
    assertEquals(0, hello.exit(), hello.err());
    assertEquals("hello\n", hello.out());
    Run three = ssh(token, "box", "sh -c 'exit 3'");
    assertEquals(3, three.exit(), three.err());
  }

  @Test
  void aHeldCommandTellsTheAgentWhatItWaitsForAndRunsAfterApproval() throws Exception {
    SshGatewayTest.askedApprovals.clear();
    java.util.concurrent.CompletableFuture<Run> held = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> SshGatewayTest.quietly(() -> ssh(token, "box", "echo needs-approval via-openssh")));
    SshGatewayTest.AskedApproval asked = SshGatewayTest.askedApprovals.poll(30, TimeUnit.SECONDS);
    assertEquals("echo needs-approval via-openssh", asked.request().detail());
    asked.decide(dev.portcullis.approval.ApprovalDecision.Outcome.APPROVED);
    Run run = held.get(60, TimeUnit.SECONDS);
    assertEquals(0, run.exit(), run.err());
    assertEquals("needs-approval via-openssh\n", run.out());
    assertTrue(run.err().contains("waiting for approval " + asked.id()), run.err());
  }

  @Test
  void keyboardInteractive() throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("-P", "OIDC token"));
    args.addAll(sshArgsWith("keyboard-interactive", "box@127.0.0.1", "echo ki"));
    Run ki = run(token, "", Map.of(), args.toArray(String[]::new));
    assertEquals(0, ki.exit(), ki.err());
    assertEquals("ki\n", ki.out());
  }

  @Test
  void interactiveShellWithPty() throws Exception {
    Run shell = run(token, "echo $TERM; exit\n", Map.of("TERM", "xterm-256color"),
        sshArgs("-tt", "box@127.0.0.1").toArray(String[]::new));
    assertEquals(0, shell.exit(), shell.err());
    assertTrue(shell.out().contains("xterm-256color"), shell.out());
  }

  @Test
  void refusalsAreClear() throws Exception {
    Run wrong = ssh("not-a-token", "box", "true");
    assertEquals(255, wrong.exit());
    assertTrue(wrong.err().contains("portcullis: token rejected"), wrong.err());
    Run unknown = ssh(token, "nope", "true");
    assertEquals(255, unknown.exit());
    assertTrue(unknown.err().contains("unknown target 'nope'"), unknown.err());
    Run refused = ssh(token, "box", "echo forbidden");
    assertEquals(BridgedCommand.REFUSED, refused.exit());
    assertTrue(refused.err().contains("portcullis: refused: 'forbidden' commands are not allowed"), refused.err());
    Run impostor = ssh(token, "impostor", "true");
    assertEquals(255, impostor.exit());
    assertTrue(impostor.err().contains("is not the pinned one"), impostor.err());
  }

  @Test
  void forwardingAndSftpAreRefused() throws Exception {
    Run stdio = run(token, "", Map.of(), sshArgs("-W", "127.0.0.1:" + target.port(), "box@127.0.0.1")
        .toArray(String[]::new));
    assertEquals(255, stdio.exit());
    assertTrue(stdio.err().contains("administratively prohibited"), stdio.err());
    Run remote = run(token, "", Map.of(), sshArgs("-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:1",
        "box@127.0.0.1", "true").toArray(String[]::new));
    assertEquals(255, remote.exit());
    assertTrue(remote.err().contains("remote port forwarding failed"), remote.err());
    Run sftp = run(token, "ls\n", Map.of(), "sftp", "-F", "/dev/null", "-P", String.valueOf(gatewayPort()),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
        "-o", "PreferredAuthentications=password", "box@127.0.0.1");
    assertTrue(sftp.exit() != 0, sftp.out());
    assertTrue(sftp.err().contains("subsystem sftp is not allowed"), sftp.err());
  }
}
