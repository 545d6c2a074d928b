package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user CA and its check as plain code: issuing, and every way a certificate must be refused. */
class UserCertificateTest {
  static final Instant NOW = Instant.parse("2026-12-05T04:00:00Z");
  static final Identity BOT = new Identity("ci-bot", List.of("agents", "cn=ops,ou=teams"), "https://idp.example",
      NOW.plus(Duration.ofHours(3)));

  @TempDir
  Path dir;

  final SshUserCa ca = new SshUserCa(ed25519(), Duration.ofHours(1));
  final KeyPair agent = ed25519();

  static KeyPair ed25519() {
    try {
      return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What the SSH listener receives: the certificate parsed back from its OpenSSH line. */
  static PublicKey parse(String line) throws Exception {
    String[] parts = line.split(" ");
    return PublicKeyEntry.parsePublicKeyEntry(parts[0] + " " + parts[1])
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
  }

  @Test
  void issuesACertificateTheCheckTurnsBackIntoTheIdentity() throws Exception {
    SshUserCa.Issued issued = ca.issue(BOT, agent.getPublic(), null, NOW);
    assertTrue(issued.line().startsWith("ssh-ed25519-cert-v01@openssh.com AAAA"), issued.line());
    assertTrue(issued.line().endsWith(" portcullis:ci-bot"), issued.line());
    OpenSshCertificate cert = (OpenSshCertificate) parse(issued.line());
    assertEquals(OpenSshCertificate.Type.USER, cert.getType());
    assertEquals(List.of("ci-bot"), List.copyOf(cert.getPrincipals()));
    assertEquals("portcullis:ci-bot", cert.getId());
    assertTrue(KeyUtils.compareKeys(agent.getPublic(), cert.getCertPubKey()));
    // valid-before is capped by the configured maximum (the token lives 3 h); valid-after allows for clock skew
    assertEquals(NOW.plus(Duration.ofHours(1)), issued.validBefore());
    assertEquals(NOW.minus(SshUserCa.CLOCK_SKEW), issued.validAfter());
    assertTrue(cert.getCriticalOptions().isEmpty());
    assertFalse(cert.getExtensionsMap().keySet().stream().anyMatch(k -> k.startsWith("permit-")),
        cert.getExtensionsMap().toString());

    UserCertificateCheck.Accepted ok = assertInstanceOf(UserCertificateCheck.Accepted.class,
        ca.check().check(cert, NOW.plusSeconds(60)));
    assertEquals(new Identity("ci-bot", BOT.groups(), BOT.issuer(), NOW.plus(Duration.ofHours(1))), ok.identity());
    assertNull(ok.target());
    assertEquals(KeyUtils.getFingerPrint(agent.getPublic()), ok.fingerprint());
  }

  @Test
  void validityEndsWithTheTokenWhenThatIsSooner() throws Exception {
    Identity shortLived = new Identity("ci-bot", List.of(), "https://idp.example", NOW.plusSeconds(300));
    SshUserCa.Issued issued = ca.issue(shortLived, agent.getPublic(), "box", NOW);
    assertEquals(NOW.plusSeconds(300), issued.validBefore());
    UserCertificateCheck.Accepted ok = assertInstanceOf(UserCertificateCheck.Accepted.class,
        ca.check().check(parse(issued.line()), NOW));
    assertEquals("box", ok.target());
    assertEquals(List.of(), ok.identity().groups());
    Identity expired = new Identity("ci-bot", List.of(), "https://idp.example", NOW.minusSeconds(1));
    assertThrows(IllegalArgumentException.class, () -> ca.issue(expired, agent.getPublic(), null, NOW));
  }

  @Test
  void expiredAndNotYetValidAreRefused() throws Exception {
    PublicKey cert = parse(ca.issue(BOT, agent.getPublic(), null, NOW).line());
    assertRefused(cert, NOW.plus(Duration.ofHours(1)), "expired");
    assertRefused(cert, NOW.minus(Duration.ofMinutes(3)), "not valid yet");
  }

  @Test
  void anotherCasCertificateIsRefused() throws Exception {
    SshUserCa other = new SshUserCa(ed25519(), Duration.ofHours(1));
    PublicKey cert = parse(other.issue(BOT, agent.getPublic(), null, NOW).line());
    assertRefused(cert, NOW, "signed by another CA");
  }

  @Test
  void aHostCertificateFromTheSameCaIsRefused() throws Exception {
    KeyPair caKey = ed25519();
    SshUserCa ours = new SshUserCa(caKey, Duration.ofHours(1));
    OpenSshCertificate host = OpenSshCertificateBuilder.hostCertificate()
        .publicKey(agent.getPublic()).id("portcullis:ci-bot").principals(List.of("ci-bot"))
        .validAfter(NOW.minusSeconds(60)).validBefore(NOW.plusSeconds(600))
        .extension(SshUserCa.GROUPS_EXTENSION, "[\"agents\"]")
        .extension(SshUserCa.ISSUER_EXTENSION, "https://idp.example")
        .sign(caKey);
    assertRefused(ours, parse(PublicKeyEntry.toString(host)), NOW, "host certificate");
  }

  @Test
  void aPlainKeyIsRefusedQuietly() {
    UserCertificateCheck.Refused refused = assertInstanceOf(UserCertificateCheck.Refused.class,
        ca.check().check(agent.getPublic(), NOW));
    assertFalse(refused.certificate());
    assertTrue(refused.reason().contains("only certificates"), refused.reason());
  }

  @Test
  void aTamperedExtensionBreaksTheSignature() throws Exception {
    String line = ca.issue(new Identity("ci-bot", List.of("agents"), "https://idp.example",
        NOW.plusSeconds(600)), agent.getPublic(), null, NOW).line();
    String[] parts = line.split(" ");
    byte[] blob = Base64.getDecoder().decode(parts[1]);
    String latin = new String(blob, StandardCharsets.ISO_8859_1);
    assertTrue(latin.contains("[\"agents\"]"));
    byte[] changed = latin.replace("[\"agents\"]", "[\"admins\"]").getBytes(StandardCharsets.ISO_8859_1);
    PublicKey tampered = parse(parts[0] + " " + Base64.getEncoder().encodeToString(changed));
    assertEquals("[\"admins\"]",
        ((OpenSshCertificate) tampered).getExtensionsMap().get(SshUserCa.GROUPS_EXTENSION));
    assertRefused(tampered, NOW, "does not verify");
  }

  @Test
  void missingIdentityExtensionsAreRefused() throws Exception {
    KeyPair caKey = ed25519();
    SshUserCa ours = new SshUserCa(caKey, Duration.ofHours(1));
    OpenSshCertificate bare = OpenSshCertificateBuilder.userCertificate()
        .publicKey(agent.getPublic()).id("x").principals(List.of("ci-bot"))
        .validAfter(NOW.minusSeconds(60)).validBefore(NOW.plusSeconds(600)).sign(caKey);
    assertRefused(ours, parse(PublicKeyEntry.toString(bare)), NOW, "issuer or groups");
    OpenSshCertificate twoPrincipals = OpenSshCertificateBuilder.userCertificate()
        .publicKey(agent.getPublic()).id("x").principals(List.of("ci-bot", "root"))
        .validAfter(NOW.minusSeconds(60)).validBefore(NOW.plusSeconds(600))
        .extension(SshUserCa.GROUPS_EXTENSION, "[]").extension(SshUserCa.ISSUER_EXTENSION, "i").sign(caKey);
    PublicKey parsed = parse(PublicKeyEntry.toString(twoPrincipals));
    assertEquals("certificate refused: it must name exactly one principal (the identity)",
        ((UserCertificateCheck.Refused) ours.check().check(parsed, NOW)).reason());
  }

  private void assertRefused(PublicKey key, Instant at, String why) {
    assertRefused(ca, key, at, why);
  }

  private static void assertRefused(SshUserCa ca, PublicKey key, Instant at, String why) {
    UserCertificateCheck.Refused refused = assertInstanceOf(UserCertificateCheck.Refused.class,
        ca.check().check(key, at));
    assertTrue(refused.certificate());
    assertTrue(refused.reason().contains(why), refused.reason());
  }

  @Test
  void agentKeysAreCheckedWithClearMessages() throws Exception {
    String ed = PublicKeyEntry.toString(agent.getPublic()) + " me@laptop";
    assertTrue(KeyUtils.compareKeys(agent.getPublic(), AgentPublicKey.parse(ed)));
    KeyPair rsa1024 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 1024);
    assertMessage("at least 2048 bits", PublicKeyEntry.toString(rsa1024.getPublic()));
    KeyPair rsa2048 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048);
    AgentPublicKey.parse(PublicKeyEntry.toString(rsa2048.getPublic()));
    KeyPair ec = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    AgentPublicKey.parse(PublicKeyEntry.toString(ec.getPublic()));
    assertMessage("not supported", "ssh-dss AAAAB3NzaC1kc3MAAACBAP");
    assertMessage("not supported", "sk-ssh-ed25519@openssh.com AAAA");
    assertMessage("is a certificate", ca.issue(BOT, agent.getPublic(), null, NOW).line());
    assertMessage("required", " ");
    assertMessage("could not be read", "ssh-ed25519 bm90IGEga2V5");
    assertMessage("could not be read", "ssh-ed25519 !!!");
    assertMessage("no key data", "ssh-ed25519");
    // key data of another type under an ed25519 label
    assertMessage("could not be read", "ssh-ed25519 " + PublicKeyEntry.toString(ec.getPublic()).split(" ")[1]);
  }

  private static void assertMessage(String expected, String line) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentPublicKey.parse(line));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void theCaKeyIsCreatedOwnerOnlyAndKept() throws Exception {
    Path file = dir.resolve("data/ssh_user_ca");
    SshUserCa first = SshUserCa.loadOrCreate(file, Duration.ofHours(1));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    SshUserCa second = SshUserCa.loadOrCreate(file, Duration.ofMinutes(5));
    assertTrue(KeyUtils.compareKeys(first.publicKey(), second.publicKey()));
    // a second instance sharing the file accepts the first one's certificates
    PublicKey cert = parse(first.issue(BOT, agent.getPublic(), null, NOW).line());
    assertInstanceOf(UserCertificateCheck.Accepted.class, second.check().check(cert, NOW));
  }

  /** OpenSSH itself reads what we sign (the format is right, not just MINA-compatible). */
  @Test
  void sshKeygenReadsTheCertificate() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
        "ssh-keygen not installed");
    Path file = dir.resolve("id-cert.pub");
    Files.writeString(file, ca.issue(BOT, agent.getPublic(), "box", Instant.now()).line() + "\n");
    Process p = new ProcessBuilder("ssh-keygen", "-L", "-f", file.toString()).redirectErrorStream(true).start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), out);
    assertTrue(out.contains("Key ID: \"portcullis:ci-bot\""), out);
    assertTrue(out.contains("Signing CA: ED25519 " + ca.fingerprint()), out);
    assertTrue(out.contains(SshUserCa.GROUPS_EXTENSION), out);
    assertTrue(out.contains(SshUserCa.TARGET_EXTENSION), out);
  }
}
