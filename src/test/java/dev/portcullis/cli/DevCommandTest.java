package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.testing.ClientRun;
import dev.portcullis.testing.LocalKafka;
import dev.portcullis.testing.PortcullisProcess;
import dev.portcullis.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a new user runs it: {@code portcullis dev} in its own process, a token from
 * {@code portcullis token}, and psql through the gateway — then a clean stop that also stops its PostgreSQL.
 */
class DevCommandTest {
  @Test
  void devGatewayServesPsqlWithTheSamplePoliciesAndStopsCleanly() throws Exception {
    Path data = Files.createTempDirectory("portcullis-dev");
    // The cluster runs as 'postgres' when we are root: it must be able to enter the directory.
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = freePort();
    int issuerPort = freePort();
    int postgresPort = freePort();
    int adminPort = freePort();
    int sshPort = freePort();
    Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "dev", "--data", data.toString(),
        "--port", "" + port, "--issuer-port", "" + issuerPort, "--postgres-port", "" + postgresPort,
        "--admin-port", "" + adminPort, "--ssh-port", "" + sshPort)
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder seen = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.append(line).append('\n');
        if (line.contains(DevCommand.READY)) {
          break;
        }
      }
      assertTrue(seen.toString().contains(DevCommand.READY), seen::toString);
      assertTrue(seen.toString().contains("psql \"host=127.0.0.1 port=" + port + " dbname=orders"), seen::toString);

      String token = mintToken(issuerPort);
      String conn = "host=127.0.0.1 port=" + port + " dbname=orders user=ci-bot sslmode=require";
      ClientRun read = psql(token, conn, "SELECT name FROM customers ORDER BY id");
      assertEquals(0, read.exit(), read.output());
      assertEquals("Ada\nLinus", read.output().strip());
      ClientRun secret = psql(token, conn, "SELECT * FROM secrets");
      assertEquals(1, secret.exit(), secret.output());
      assertTrue(secret.output().contains("denied by rule 'no-secrets' of policy 'agents-read-public'"),
          secret.output());
      assertTrue(Files.readString(data.resolve("journal/portcullis.sessions.jsonl")).contains("\"ci-bot\""));

      // The printed approval walkthrough: a write waits until an owner approves it with the CLI.
      String gateway = "http://127.0.0.1:" + adminPort;
      assertTrue(seen.toString().contains("./portcullis approvals approve ID --gateway " + gateway), seen::toString);
      java.util.concurrent.CompletableFuture<ClientRun> delete = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> {
            try {
              return psql(token, conn, "DELETE FROM orders WHERE id < 0");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      String alice = mintToken(issuerPort, "alice", "db-owners", "portcullis-admin");
      String[] id = new String[1];
      Await.until(Duration.ofSeconds(20), () -> {
        io.vertx.core.json.JsonArray pending = new io.vertx.core.json.JsonArray(
            approvals(alice, "list", "--gateway", gateway, "--json"));
        id[0] = pending.isEmpty() ? null : pending.getJsonObject(0).getString("approvalId");
        return id[0] != null;
      }, () -> "the DELETE listed for approval");
      assertTrue(approvals(alice, "approve", id[0], "--gateway", gateway, "--reason", "looks right")
          .contains("approved"));
      ClientRun deleted = delete.get(30, TimeUnit.SECONDS);
      assertEquals(0, deleted.exit(), deleted.output());
      assertTrue(deleted.output().contains("DELETE 0"), deleted.output());

      walkSsh(seen.toString(), data, sshPort, token);
    } finally {
      dev.destroy(); // SIGTERM: the shutdown hook stops the gateway and its PostgreSQL
      assertTrue(dev.waitFor(60, TimeUnit.SECONDS), "dev did not stop");
    }
    assertTrue(!Files.exists(data.resolve("pgdata/postmaster.pid")), "PostgreSQL was left running");
  }

  @Test
  void devWithKafkaPublishesTheSessionToKafkaInsteadOfTheJournal() throws Exception {
    LocalKafka kafka = LocalKafka.get();
    Path data = Files.createTempDirectory("portcullis-dev-kafka");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = freePort();
    int issuerPort = freePort();
    try (PortcullisProcess dev = PortcullisProcess.start("dev", java.util.Map.of(), "dev", "--data", data.toString(),
        "--port", "" + port, "--issuer-port", "" + issuerPort, "--postgres-port", "" + freePort(),
        "--admin-port", "" + freePort(), "--ssh-port", "" + freePort(), "--kafka", kafka.bootstrapServers())) {
      dev.awaitOutput(DevCommand.READY);
      assertTrue(dev.output().contains("events           Kafka " + kafka.bootstrapServers()), dev.output());
      String token = mintToken(issuerPort);
      ClientRun read = psql(token, "host=127.0.0.1 port=" + port + " dbname=orders user=ci-bot sslmode=require",
          "SELECT count(*) FROM customers");
      assertEquals(0, read.exit(), read.output());
      List<TopicRecords.Rec> records = TopicRecords.readUntil(kafka.bootstrapServers(), List.of("portcullis.sessions"),
          got -> got.stream().anyMatch(r -> r.value().contains("\"session.ended\"")
              && r.value().contains("\"ci-bot\"")), Duration.ofSeconds(60));
      assertTrue(records.stream().anyMatch(r -> r.value().contains("SELECT count(*) FROM customers")),
          records::toString);
      assertTrue(records.stream().noneMatch(r -> r.value().contains(token)), "no token in any record");
    }
    assertTrue(!Files.exists(data.resolve("journal/portcullis.sessions.jsonl")), "events went to the journal");
  }

  /**
   * The printed SSH walkthrough with OpenSSH's {@code ssh} through {@code sshpass}, as the printout says: an
   * allowed command's output, a denied one's exit 126, the size of a dev token against OpenSSH's limit.
   */
  private static void walkSsh(String printed, Path data, int sshPort, String token) throws Exception {
    String ssh = "ssh -p " + sshPort + " -o PreferredAuthentications=password dev-box@127.0.0.1";
    assertTrue(printed.contains("sshpass -e " + ssh + " 'git status'"), printed);
    assertTrue(token.length() < DevCommand.OPENSSH_PASSWORD_LIMIT, "dev token of " + token.length() + " bytes");
    assertTrue(printed.contains("dev tokens are " + token.length() + " bytes, under OpenSSH's 1023-byte password"
        + " limit"), printed);
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sshpass")),
        "sshpass not installed (apt-get install sshpass)");

    ClientRun uname = ssh(token, sshPort, "uname -s");
    assertEquals(0, uname.exit(), uname.output());
    assertEquals(new String(new ProcessBuilder("uname", "-s").start().getInputStream().readAllBytes(),
        StandardCharsets.UTF_8), uname.output());
    ClientRun rm = ssh(token, sshPort, "rm -rf " + data.resolve("pgdata"));
    assertEquals(126, rm.exit(), rm.output());
    assertTrue(rm.output().contains("portcullis: refused: denied by rule 'no-rm' of policy 'agents-on-dev-box'"),
        rm.output());
    assertTrue(Files.exists(data.resolve("pgdata/PG_VERSION")), "the denied rm ran");

    // The printed replay line: the latest recorded channel from the journal, no Kafka, no audit store.
    Path journal = data.resolve("journal");
    assertTrue(printed.contains("./portcullis replay last --source journal --journal " + journal
        + " --format asciicast > dev-box.cast"), printed);
    AsciicastReplayTest.Run[] cast = new AsciicastReplayTest.Run[1];
    Await.until(Duration.ofSeconds(20), () -> {
      cast[0] = AsciicastReplayTest.run("replay", "last", "--source", "journal", "--journal", journal.toString(),
          "--format", "asciicast");
      return cast[0].exit() == 0;
    }, () -> "a cast of the SSH session from the journal: " + cast[0]);
    dev.portcullis.ssh.recording.CastFile file = dev.portcullis.ssh.recording.CastFile.parse(cast[0].out());
    assertEquals("ci-bot → dev-box: uname -s", file.header().getString("title"));
    assertEquals(uname.output().replace("\n", "\r\n"), file.output());

    // The target's stderr is recorded as a stream of its own: the text replay shows it under its statement.
    ClientRun ls = ssh(token, sshPort, "ls /no-such-dir-for-portcullis");
    assertEquals(2, ls.exit(), ls.output());
    AsciicastReplayTest.Run[] text = new AsciicastReplayTest.Run[1];
    Await.until(Duration.ofSeconds(20), () -> {
      text[0] = AsciicastReplayTest.run("replay", "last", "--source", "journal", "--journal", journal.toString());
      return text[0].out().contains("session.ended");
    }, () -> "the ls session, ended, in the journal: " + text[0]);
    assertTrue(text[0].out().contains("ls /no-such-dir-for-portcullis"), text[0].out());
    assertTrue(text[0].out().matches("(?s).*  stderr 1\n    ls: cannot access '/no-such-dir-for-portcullis'.*"),
        text[0].out());
  }

  /** OpenSSH as the walkthrough prints it, plus no user config and no known_hosts (a test must not touch ~/.ssh). */
  private static ClientRun ssh(String token, int sshPort, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sshpass", "-e", "ssh", "-F", "/dev/null", "-o", "LogLevel=ERROR",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-p", "" + sshPort, "-o", "PreferredAuthentications=password", "dev-box@127.0.0.1", command)
        .redirectErrorStream(true);
    pb.environment().put("SSHPASS", token);
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ssh did not finish");
    return new ClientRun(p.exitValue(), output);
  }

  private static String mintToken(int issuerPort) {
    return mintToken(issuerPort, "ci-bot", "ai-agents", DevCommand.AUDIENCE);
  }

  /** {@code portcullis approvals ARGS} with {@code PORTCULLIS_TOKEN=token}; its standard output. */
  private static String approvals(String token, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    int exit = new picocli.CommandLine(new ApprovalsCommand(java.util.Map.of(ApprovalsCommand.TOKEN_VARIABLE, token)::get))
        .setOut(new java.io.PrintWriter(out, true)).execute(args);
    assertEquals(0, exit, out::toString);
    return out.toString();
  }

  private static String mintToken(int issuerPort, String subject, String groups, String audience) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run("token", "--issuer", "http://127.0.0.1:" + issuerPort, "--subject", subject,
          "--groups", groups, "--audience", audience));
    } finally {
      System.setOut(old);
    }
    return buffer.toString(StandardCharsets.UTF_8).strip();
  }

  private static ClientRun psql(String token, String conn, String sql) throws Exception {
    return ClientRun.of(token, "psql", "-X", "-A", "-t", "-c", sql, conn);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
