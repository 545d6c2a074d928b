package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.admin.AdminServer;
import dev.portcullis.admin.GatewayMetrics;
import dev.portcullis.admin.MetricSources;
import dev.portcullis.admin.NoApprovals;
import dev.portcullis.admin.SshCertificates;
import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.forward.RelayCounters;
import dev.portcullis.identity.Identity;
import dev.portcullis.identity.OidcTokenValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate route end to end (design-notes §2): a real OIDC issuer mints a token longer than OpenSSH's
 * 1023-byte password limit, the admin API exchanges it for a user certificate, and OpenSSH's {@code ssh} and
 * MINA's client log in to the SSH listener with it and run commands on a real target. Certificates of another CA,
 * expired ones and plain keys are refused with a banner.
 */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD)
class CertificateLoginTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String AUDIENCE = "portcullis";
  @TempDir
  static Path dir;
  static Vertx vertx;
  static MockOAuth2Server issuer;
  static OidcTokenValidator validator;
  static TestTarget target;
  static SshGatewayServer gateway;
  static AdminServer admin;
  static String longToken;
  static Path agentKey;
  static final List<JsonObject> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    issuer = new MockOAuth2Server();
    issuer.start();
    OidcConfig oidc = new OidcConfig(issuer.issuerUrl("default").toString(), AUDIENCE, "groups",
        Duration.ofSeconds(30));
    validator = SshGatewayTest.await(OidcTokenValidator.create(vertx, oidc));
    // Real IdP tokens carry many claims; the padding makes this one as long as a typical Keycloak token.
    longToken = issuer.issueToken("default", "ci-bot", AUDIENCE, Map.of("groups", List.of("agents", "cn=ops,ou=x"),
        "padding", "p".repeat(1600))).serialize();
    assertTrue(longToken.length() > 2000, "longer than OpenSSH's 1023-byte password limit: " + longToken.length());

    KeyPair gatewayKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    Path keyFile = dir.resolve("gateway-to-box.key");
    GatewayHostKey.write(keyFile, gatewayKey);
    target = new TestTarget(gatewayKey.getPublic());
    Map<String, SshTargetConfig> targets = Map.of(
        "box", new SshTargetConfig("box", "127.0.0.1", target.port(), "deploy", keyFile, target.pinnedLine()),
        "other", new SshTargetConfig("other", "127.0.0.1", target.port(), "deploy", keyFile, target.pinnedLine()));
    SshListenConfig listen = new SshListenConfig("127.0.0.1", 0, dir.resolve("data/ssh_host_key"));
    gateway = new SshGatewayServer(listen, targets, validator, task -> vertx.runOnContext(v -> task.run()),
        AcceptAllSshPolicy.INSTANCE, SshApprovals.UNAVAILABLE,
        new PublishedSshSessionEvents(e -> published.add(EventJson.toJson(e)), "gw-test"),
        ChannelRecorders.NONE);
    gateway.start();
    MetricSources sources = new MetricSources(new GatewayMetrics(), EventsConfig.Sink.JOURNAL,
        new DeliveryHealth(EventsConfig.OnUnavailable.REFUSE_SESSIONS, 1_000), () -> new PublisherStats(0, 0, 0, 0, 0),
        new RelayCounters(), NoApprovals.INSTANCE);
    // A second instance's view of the same CA file: what it signs, the listener above accepts.
    admin = SshGatewayTest.await(AdminServer.start(vertx, new AdminListenConfig("127.0.0.1", 0, null), oidc,
        ApprovalsConfig.DEFAULTS, sources, new SshCertificates(
            SshUserCa.loadOrCreate(listen.userCa(), listen.maxCertificateValidity()), targets.keySet(),
            gateway.port())));
    agentKey = keygen("agent");
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) {
      SshGatewayTest.await(admin.stop());
    }
    if (gateway != null) {
      gateway.close();
    }
    if (target != null) {
      target.close();
    }
    if (validator != null) {
      SshGatewayTest.await(validator.close());
    }
    if (issuer != null) {
      issuer.shutdown();
    }
    if (vertx != null) {
      SshGatewayTest.await(vertx.close());
    }
  }


  record Run(int exit, String out, String err) {}

  static Run run(List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("SSH_AUTH_SOCK"); // no agent: only the key and certificate given
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process = builder.start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "did not finish: " + command);
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A fresh ed25519 key made by OpenSSH's ssh-keygen, as an agent would make it. */
  static Path keygen(String name) throws Exception {
    return keygen(name, "ed25519");
  }

  static Path keygen(String name, String type, String... more) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "ssh-keygen not installed");
    Path key = dir.resolve(name + "/id_" + type);
    Files.createDirectories(key.getParent());
    List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name + "@test",
        "-f", key.toString()));
    command.addAll(List.of(more));
    Run made = run(command);
    assertEquals(0, made.exit(), made.err());
    return key;
  }

  static HttpResponse<String> requestCertificate(String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
            + "/ssh/certificates"))
        .timeout(WAIT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Exchanges the long token for a certificate of {@code key}'s public half, written next to it. */
  static Path certificate(Path key, String targetName) throws Exception {
    JsonObject body = new JsonObject().put("publicKey", Files.readString(Path.of(key + ".pub")).strip());
    if (targetName != null) {
      body.put("target", targetName);
    }
    HttpResponse<String> response = requestCertificate(longToken, body.encode());
    assertEquals(200, response.statusCode(), response.body());
    JsonObject issued = new JsonObject(response.body());
    assertEquals("ci-bot", issued.getString("principal"));
    assertEquals(gateway.port(), issued.getInteger("sshPort"));
    Path cert = Path.of(key + "-cert.pub");
    Files.writeString(cert, issued.getString("certificate") + "\n");
    return cert;
  }

  static List<String> ssh(Path key, Path cert, String user, String command) {
    List<String> args = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", String.valueOf(gateway.port()),
        "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
        "-o", "PreferredAuthentications=publickey", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null"));
    if (cert != null) {
      args.addAll(List.of("-o", "CertificateFile=" + cert));
    }
    args.addAll(List.of(user + "@127.0.0.1", command));
    return args;
  }

  static void assumeOpenSsh() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
  }

  @Test
  void openSshLogsInWithTheCertificateOfALongToken() throws Exception {
    assumeOpenSsh();
    Path cert = certificate(agentKey, null);
    published.clear();
    Run hello = run(ssh(agentKey, cert, "box", "echo hello; exit 3"));
    assertEquals(3, hello.exit(), hello.err());
    assertEquals("hello\n", hello.out());

    JsonObject started = published.stream().filter(e -> "session.started".equals(e.getString("type")))
        .findFirst().orElseThrow(() -> new AssertionError("no session.started in " + published));
    JsonObject identity = started.getJsonObject("identity");
    assertEquals("ci-bot", identity.getString("subject"));
    assertEquals(new JsonArray(List.of("agents", "cn=ops,ou=x")), identity.getJsonArray("groups"));
    assertEquals(issuer.issuerUrl("default").toString(), identity.getString("issuer"));
    assertEquals("box", started.getString("target"));
    String everything = published.toString();
    String certData = Files.readString(cert).split(" ")[1];
    String keyData = Files.readString(Path.of(agentKey + ".pub")).split(" ")[1];
    assertFalse(everything.contains(certData.substring(0, 60)), "certificate in events");
    assertFalse(everything.contains(keyData), "public key in events");
    assertFalse(everything.contains(longToken.substring(0, 40)), "token in events");
  }

  /** OpenSSH signs with rsa-sha2-512 / ecdsa inside the certificate algorithm names; MINA must verify those too. */
  @Test
  void rsaAndEcdsaKeysWorkToo() throws Exception {
    assumeOpenSsh();
    for (Path key : List.of(keygen("rsa", "rsa", "-b", "3072"), keygen("ecdsa", "ecdsa", "-b", "384"))) {
      Run ran = run(ssh(key, certificate(key, null), "box", "echo ok"));
      assertEquals(0, ran.exit(), key + ": " + ran.err());
      assertEquals("ok\n", ran.out());
    }
  }

  @Test
  void minaClientLogsInWithTheCertificate() throws Exception {
    Path key = keygen("mina");
    Path certFile = certificate(key, "box");
    KeyPair pair = GatewayHostKey.load(key);
    String[] line = Files.readString(certFile).split(" ");
    PublicKey cert = PublicKeyEntry.parsePublicKeyEntry(line[0] + " " + line[1])
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.start();
    try (ClientSession session = client.connect("box", "127.0.0.1", gateway.port()).verify(WAIT).getSession()) {
      session.addPublicKeyIdentity(new KeyPair(cert, pair.getPrivate()));
      session.auth().verify(WAIT);
      assertEquals(new SshGatewayTest.Ran(0, "mina\n", ""), SshGatewayTest.exec(session, "echo mina"));
    } finally {
      client.stop();
    }
    // the same certificate names target 'box' only
    Run other = runIfOpenSsh(ssh(key, certFile, "other", "true"));
    if (other != null) {
      assertEquals(255, other.exit());
      assertTrue(other.err().contains("this certificate is only for target 'box'"), other.err());
    }
  }

  static Run runIfOpenSsh(List<String> command) throws Exception {
    return Files.isExecutable(Path.of("/usr/bin/ssh")) ? run(command) : null;
  }

  /** Why this route exists: OpenSSH cuts the long token, and the gateway's refusal points to ssh-cert. */
  @Test
  void theLongTokenAsAPasswordIsCutByOpenSshAndTheBannerSaysWhatToDo() throws Exception {
    assumeOpenSsh();
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/sshpass")), "sshpass not installed");
    ProcessBuilder builder = new ProcessBuilder("sshpass", "-e", "ssh", "-F", "/dev/null", "-p",
        String.valueOf(gateway.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password",
        "-o", "NumberOfPasswordPrompts=1", "box@127.0.0.1", "true");
    builder.environment().put("SSHPASS", longToken);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(255, process.exitValue(), output);
    assertTrue(output.contains("OpenSSH cuts passwords at 1023 bytes; for longer tokens use `portcullis ssh-cert`"),
        output);
  }

  @Test
  void anotherCasCertificateIsRefused() throws Exception {
    assumeOpenSsh();
    Path key = keygen("foreign");
    PublicKey agentPublic = PublicKeyEntry.parsePublicKeyEntry(Files.readString(Path.of(key + ".pub")).strip())
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    SshUserCa foreign = new SshUserCa(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256),
        Duration.ofHours(1));
    Identity same = new Identity("ci-bot", List.of("agents"), issuer.issuerUrl("default").toString(),
        Instant.now().plusSeconds(600));
    Path cert = Path.of(key + "-cert.pub");
    Files.writeString(cert, foreign.issue(same, agentPublic, null, Instant.now()).line() + "\n");
    Run refused = run(ssh(key, cert, "box", "echo should-not-run"));
    assertEquals(255, refused.exit());
    assertTrue(refused.err().contains("signed by another CA"), refused.err());
    assertFalse(refused.out().contains("should-not-run"));
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    assumeOpenSsh();
    Path key = keygen("expired");
    PublicKey agentPublic = PublicKeyEntry.parsePublicKeyEntry(Files.readString(Path.of(key + ".pub")).strip())
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    // issued by this gateway's own CA, two hours ago, for a token that lived one hour
    SshUserCa ours = SshUserCa.loadOrCreate(dir.resolve("data/ssh_user_ca"), Duration.ofHours(1));
    Instant then = Instant.now().minus(Duration.ofHours(2));
    Identity past = new Identity("ci-bot", List.of("agents"), "https://idp", then.plus(Duration.ofHours(1)));
    Path cert = Path.of(key + "-cert.pub");
    Files.writeString(cert, ours.issue(past, agentPublic, null, then).line() + "\n");
    Run refused = run(ssh(key, cert, "box", "true"));
    assertEquals(255, refused.exit());
    assertTrue(refused.err().contains("certificate refused: it expired"), refused.err());
  }

  @Test
  void plainKeysAndUnknownTargetsAreRefused() throws Exception {
    assumeOpenSsh();
    Path key = keygen("plain");
    Run plain = run(ssh(key, null, "box", "true"));
    assertEquals(255, plain.exit());
    assertTrue(plain.err().contains("only certificates from `portcullis ssh-cert` are accepted"), plain.err());
    Path cert = certificate(key, null);
    Run unknown = run(ssh(key, cert, "nope", "true"));
    assertEquals(255, unknown.exit());
    assertTrue(unknown.err().contains("unknown target 'nope'"), unknown.err());
    // the certificate with another private key: MINA checks the request is signed by the certified key
    Path thief = keygen("thief");
    Run stolen = run(ssh(thief, cert, "box", "true"));
    assertEquals(255, stolen.exit(), stolen.err());
  }

  @Test
  void theEndpointRefusesBadRequestsClearly() throws Exception {
    String pub = Files.readString(Path.of(agentKey + ".pub")).strip();
    String ok = new JsonObject().put("publicKey", pub).encode();
    assertEquals(401, requestCertificate(null, ok).statusCode());
    assertEquals(401, requestCertificate("not-a-token", ok).statusCode());
    // an approver's token (the admin audience) is not an agent's
    String adminToken = issuer.issueToken("default", "alice", ApprovalsConfig.DEFAULT_AUDIENCE,
        Map.of("groups", List.of("db-owners"))).serialize();
    HttpResponse<String> approver = requestCertificate(adminToken, ok);
    assertEquals(401, approver.statusCode(), approver.body());
    assertTrue(approver.body().contains("audience"), approver.body());

    assertBadRequest("{", "JSON object");
    assertBadRequest("[]", "JSON object");
    assertBadRequest("{}", "'publicKey' is required");
    assertBadRequest(new JsonObject().put("publicKey", pub).put("principal", "root").encode(), "unknown field");
    assertBadRequest(new JsonObject().put("publicKey", 42).encode(), "must be a string");
    assertBadRequest(new JsonObject().put("publicKey", pub).put("target", "nope").encode(),
        "no SSH target named 'nope'");
    assertBadRequest(new JsonObject().put("publicKey", "ssh-dss AAAAB3NzaC1kc3M=").encode(), "not supported");
    KeyPair rsa = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 1024);
    assertBadRequest(new JsonObject().put("publicKey", PublicKeyEntry.toString(rsa.getPublic())).encode(),
        "at least 2048 bits");
  }

  private static void assertBadRequest(String body, String message) throws Exception {
    HttpResponse<String> response = requestCertificate(longToken, body);
    assertEquals(400, response.statusCode(), response.body());
    String error = new JsonObject(response.body()).getString("error");
    assertNotNull(error);
    assertTrue(error.contains(message), error);
  }
}
