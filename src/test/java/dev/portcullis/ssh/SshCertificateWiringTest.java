package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.audit.Await;
import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.gateway.Gateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate route as {@code Gateway.start} wires it from config: {@code listen.admin} issues certificates
 * of the CA that {@code listen.ssh} trusts, and a certificate's identity meets the policy files and the journal
 * exactly as a token's would.
 */
class SshCertificateWiringTest {
  @TempDir
  static Path dir;
  private static WiredSshGateway wired;
  private static MockOAuth2Server issuer;
  private static Gateway gateway;
  private static TestTarget target;
  private static int sshPort;

  @BeforeAll
  static void start() throws Exception {
    wired = WiredSshGateway.start(dir, "cert-gw", new AdminListenConfig("127.0.0.1", 0, null),
        port -> new SshListenConfig("127.0.0.1", port, dir.resolve("data/ssh_host_key"), null,
            Duration.ofMinutes(10), null));
    issuer = wired.issuer;
    gateway = wired.gateway;
    target = wired.target;
    sshPort = wired.sshPort;
  }

  @AfterAll
  static void stop() throws Exception {
    if (wired != null) {
      wired.close();
    }
  }

  private static HttpResponse<String> certificateFor(String token, KeyPair agent) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.adminPort() + "/ssh/certificates"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
            .put("publicKey", PublicKeyEntry.toString(agent.getPublic())).encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The certificate of an OpenSSH {@code -cert.pub} line. */
  private static PublicKey certificate(String line) throws Exception {
    String[] parts = line.split(" ");
    return PublicKeyEntry.parsePublicKeyEntry(parts[0] + " " + parts[1])
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
  }

  @Test
  void aCertificateOfAnIdentityNoPolicyCoversDoesNotLogIn() throws Exception {
    String token = issuer.issueToken("default", "stray-cert-bot", "portcullis", Map.of("groups",
        List.of("interns"))).serialize();
    KeyPair agent = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    HttpResponse<String> response = certificateFor(token, agent);
    assertEquals(200, response.statusCode(), response.body());
    PublicKey cert = certificate(new JsonObject(response.body()).getString("certificate"));
    // The certificate itself is fine, so the login succeeds (MINA allows no asynchronous step inside publickey
    // authentication); what the client then opens is refused with the reason, and the connection ends.
    SshClient client = SshClient.setUpDefaultClient();
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.start();
    try (ClientSession session = client.connect("box", "127.0.0.1", sshPort).verify(10, TimeUnit.SECONDS)
        .getSession()) {
      session.addPublicKeyIdentity(new KeyPair(cert, agent.getPrivate()));
      session.auth().verify(10, TimeUnit.SECONDS);
      SshGatewayTest.Ran refused = SshGatewayTest.exec(session, "echo stray");
      assertEquals(126, refused.exitStatus());
      assertEquals("portcullis: refused: no policy grants subject 'stray-cert-bot' (groups: interns) access to "
          + "target 'box'\n", refused.err());
      session.waitFor(java.util.EnumSet.of(org.apache.sshd.client.session.ClientSession.ClientSessionEvent.CLOSED),
          TimeUnit.SECONDS.toMillis(10));
      assertTrue(session.isClosed() || session.isClosing(), "the gateway ends the connection");
    } finally {
      client.stop();
    }
    assertFalse(target.executed.stream().anyMatch(c -> c.contains("stray")));
    Path sessions = dir.resolve("journal/portcullis.sessions.jsonl");
    assertFalse(Files.exists(sessions) && Files.readString(sessions).contains("stray-cert-bot"),
        "no session.started for a login that was not admitted");
  }

  @Test
  void aCertificateFromTheAdminApiRunsWhatThePolicyAllows() throws Exception {
    String token = issuer.issueToken("default", "cert-bot", "portcullis", Map.of("groups", List.of("ssh-agents"),
        "padding", "q".repeat(1500))).serialize();
    KeyPair agent = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    HttpResponse<String> response = certificateFor(token, agent);
    assertEquals(200, response.statusCode(), response.body());
    JsonObject issued = new JsonObject(response.body());
    assertEquals(sshPort, issued.getInteger("sshPort"));
    String[] line = issued.getString("certificate").split(" ");
    PublicKey cert = certificate(issued.getString("certificate"));
    // maxCertificateValidity (10 min) from the config, not the token's hour
    Duration validity = Duration.between(java.time.Instant.now(), java.time.Instant.parse(
        issued.getString("validBefore")));
    assertTrue(validity.compareTo(Duration.ofMinutes(10)) <= 0 && validity.compareTo(Duration.ofMinutes(9)) > 0,
        validity::toString);

    SshClient client = SshClient.setUpDefaultClient();
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.start();
    try (ClientSession session = client.connect("box", "127.0.0.1", sshPort).verify(10, TimeUnit.SECONDS)
        .getSession()) {
      session.addPublicKeyIdentity(new KeyPair(cert, agent.getPrivate()));
      session.auth().verify(10, TimeUnit.SECONDS);
      assertEquals(new SshGatewayTest.Ran(0, "hello-by-cert\n", ""), SshGatewayTest.exec(session,
          "echo hello-by-cert"));
      SshGatewayTest.Ran denied = SshGatewayTest.exec(session, "rm -rf /tmp/portcullis-never");
      assertEquals(126, denied.exitStatus());
    } finally {
      client.stop();
    }
    Path sessions = dir.resolve("journal/portcullis.sessions.jsonl");
    Await.until(Duration.ofSeconds(20), () -> Files.exists(sessions)
        && Files.readString(sessions).contains("\"rule\":\"no-rm\""), () -> "decisions in the journal");
    JsonObject started = Files.readAllLines(sessions).stream().map(JsonObject::new)
        .filter(e -> "session.started".equals(e.getString("type"))).findFirst().orElseThrow();
    JsonObject identity = started.getJsonObject("identity");
    assertEquals("cert-bot", identity.getString("subject"));
    assertEquals(List.of("ssh-agents"), identity.getJsonArray("groups").getList());
    assertEquals(issuer.issuerUrl("default").toString(), identity.getString("issuer"));
    String journal = Files.readString(sessions);
    assertFalse(journal.contains(line[1].substring(0, 60)), "no certificate in events");
    assertFalse(journal.contains(token.substring(0, 40)), "no token in events");
    assertTrue(Files.exists(dir.resolve("data/ssh_user_ca")));
  }
}
