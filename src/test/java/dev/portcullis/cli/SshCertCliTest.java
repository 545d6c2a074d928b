package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.admin.AdminTestServer;
import dev.portcullis.admin.SshCertificates;
import dev.portcullis.ssh.GatewayHostKey;
import dev.portcullis.ssh.SshUserCa;
import dev.portcullis.ssh.UserCertificateCheck;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code portcullis ssh-cert} against a real admin listener issuing certificates (real HTTP, real issuer tokens),
 * run in-process with the token in its environment, as an agent would.
 */
class SshCertCliTest {
  static AdminTestServer admin;
  static SshUserCa ca;
  @TempDir
  static Path home;
  static KeyPair agent;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    ca = new SshUserCa(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), Duration.ofMinutes(30));
    admin = new AdminTestServer(new SshCertificates(ca, Set.of("box"), 2222));
    agent = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Files.createDirectories(home.resolve(".ssh"));
    GatewayHostKey.write(home.resolve(".ssh/id_ed25519"), agent);
    Files.writeString(home.resolve(".ssh/id_ed25519.pub"), PublicKeyEntry.toString(agent.getPublic()) + " me@box\n");
  }

  @AfterAll
  static void stop() throws Exception {
    admin.close();
  }

  static Run run(Path homeDir, String token, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = token == null ? Map.of() : Map.of(ApprovalsCommand.TOKEN_VARIABLE, token);
    CommandLine cli = new CommandLine(new SshCertCommand(env::get, homeDir))
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  static String agentToken() {
    return admin.token("ci-bot", AdminTestServer.AGENT_AUDIENCE, "agents");
  }

  static UserCertificateCheck.Accepted accepted(Path certFile) throws Exception {
    String[] line = Files.readString(certFile).strip().split(" ");
    return assertInstanceOf(UserCertificateCheck.Accepted.class, ca.check().check(
        PublicKeyEntry.parsePublicKeyEntry(line[0] + " " + line[1])
            .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING), Instant.now()));
  }

  @Test
  void writesTheCertificateNextToTheDefaultKeyAndSaysHowToConnect() throws Exception {
    Run r = run(home, agentToken(), "--gateway", admin.url);
    assertEquals(0, r.exit(), r.err());
    Path cert = home.resolve(".ssh/id_ed25519-cert.pub");
    UserCertificateCheck.Accepted ok = accepted(cert);
    assertEquals("ci-bot", ok.identity().subject());
    assertEquals(List.of("agents"), ok.identity().groups());
    assertEquals(KeyUtils.getFingerPrint(agent.getPublic()), ok.fingerprint());
    assertTrue(r.out().startsWith("Certificate for ci-bot written to " + cert + "\n"), r.out());
    assertTrue(r.out().matches("(?s).*Valid until \\S+Z \\((29|30) min\\)\n.*"), r.out());
    assertTrue(r.out().contains("  ssh -i " + home.resolve(".ssh/id_ed25519") + " -o CertificateFile=" + cert
        + " -p 2222 TARGET@127.0.0.1\n"), r.out());
  }

  @Test
  void targetOutAndJson() throws Exception {
    Path out = home.resolve("elsewhere.pub");
    Run r = run(home, agentToken(), "--gateway", admin.url, "--public-key",
        home.resolve(".ssh/id_ed25519.pub").toString(), "--target", "box", "--out", out.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals("box", accepted(out).target());
    assertTrue(r.out().contains(", only for target box"), r.out());
    assertTrue(r.out().contains(" -p 2222 box@127.0.0.1"), r.out());
    Run json = run(home, agentToken(), "--gateway", admin.url, "--json");
    assertEquals(0, json.exit(), json.err());
    JsonObject body = new JsonObject(json.out());
    assertEquals("ci-bot", body.getString("principal"));
    assertEquals(home.resolve(".ssh/id_ed25519-cert.pub").toString(), body.getString("file"));
  }

  @Test
  void usageErrorsComeBeforeAnyRequest() throws Exception {
    Run noToken = run(home, null, "--gateway", admin.url);
    assertEquals(2, noToken.exit());
    assertTrue(noToken.err().contains("PORTCULLIS_TOKEN is not set"), noToken.err());
    Run noFlag = run(home, agentToken(), "--gateway", admin.url, "--token", "x");
    assertEquals(2, noFlag.exit(), "a token is never a flag");
    Path empty = Files.createDirectories(home.resolve("empty-home"));
    Run noKey = run(empty, agentToken(), "--gateway", admin.url);
    assertEquals(2, noKey.exit());
    assertTrue(noKey.err().contains("no public key in"), noKey.err());
    Run privateKey = run(home, agentToken(), "--gateway", admin.url, "--public-key",
        home.resolve(".ssh/id_ed25519").toString());
    assertEquals(2, privateKey.exit());
    assertTrue(privateKey.err().contains("is a private key; pass its .pub file"), privateKey.err());
    Run badUrl = run(home, agentToken(), "--gateway", "ftp://x");
    assertEquals(2, badUrl.exit());
  }

  @Test
  void refusalsPrintTheGatewaysMessage() throws Exception {
    Run approver = run(home, admin.adminToken("alice", "db-owners"), "--gateway", admin.url);
    assertEquals(1, approver.exit());
    assertTrue(approver.err().startsWith("portcullis ssh-cert: the gateway answered 401: token refused"),
        approver.err());
    Path weak = home.resolve("weak.pub");
    Files.writeString(weak, PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 1024)
        .getPublic()) + "\n");
    Run rsa = run(home, agentToken(), "--gateway", admin.url, "--public-key", weak.toString());
    assertEquals(1, rsa.exit());
    assertTrue(rsa.err().contains("400: RSA keys must have at least 2048 bits"), rsa.err());
    assertFalse(Files.exists(home.resolve("weak-cert.pub")));
    Run unknown = run(home, agentToken(), "--gateway", admin.url, "--target", "nope");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.err().contains("no SSH target named 'nope'"), unknown.err());
  }

  @Test
  void isASubcommandOfPortcullis() {
    assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("ssh-cert"));
  }

  @Test
  void aGatewayWithoutSshSaysSo() throws Exception {
    try (AdminTestServer plain = new AdminTestServer()) {
      Run r = run(home, plain.token("ci-bot", AdminTestServer.AGENT_AUDIENCE), "--gateway", plain.url);
      assertEquals(1, r.exit());
      assertTrue(r.err().contains("404: this gateway issues no SSH certificates"), r.err());
    }
  }
}
