package dev.portcullis.ssh;

import dev.portcullis.identity.Identity;
import io.vertx.core.json.JsonArray;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The gateway's SSH user CA ({@code listen.ssh.userCa}, design-notes §2): it turns a validated OIDC identity and
 * the agent's own public key into a short-lived OpenSSH user certificate, so agents whose tokens are longer than
 * OpenSSH's 1023-byte password limit still get in. {@link UserCertificateCheck} is the other half.
 *
 * <p>A certificate carries everything the SSH listener needs to rebuild the {@link Identity} without state, so any
 * instance sharing the CA file accepts it: principal = subject, the groups and issuer in extensions, valid-before =
 * the sooner of the token's expiry and the configured maximum. It carries none of OpenSSH's {@code permit-*}
 * extensions: the gateway refuses forwarding and agent/X11 requests anyway, and a certificate that does not ask
 * for them says so to anyone who reads it ({@code ssh-keygen -L}).
 */
public final class SshUserCa {
  /** Extension holding the identity's groups, a JSON array of strings (group names may contain commas). */
  public static final String GROUPS_EXTENSION = "groups@portcullis.dev";
  /** Extension holding the token issuer ({@code iss}). */
  public static final String ISSUER_EXTENSION = "issuer@portcullis.dev";
  /** Extension naming the one target the certificate is good for, when the request named one. */
  public static final String TARGET_EXTENSION = "target@portcullis.dev";
  /** Valid-after lies this far in the past: the agent's and other gateways' clocks may be a little behind. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(2);
  static final String KEY_ID_PREFIX = "portcullis:";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair ca;
  private final Duration maxValidity;

  public SshUserCa(KeyPair ca, Duration maxValidity) {
    if (maxValidity.isNegative() || maxValidity.isZero()) {
      throw new IllegalArgumentException("maxCertificateValidity must be longer than 0");
    }
    this.ca = ca;
    this.maxValidity = maxValidity;
  }

  /** Reads the CA key, generating it (mode 600) on first start, like the host key. */
  public static SshUserCa loadOrCreate(Path file, Duration maxValidity) {
    return new SshUserCa(GatewayHostKey.loadOrCreate(file, "user CA key"), maxValidity);
  }

  public PublicKey publicKey() {
    return ca.getPublic();
  }

  /** The verifier for certificates of this CA. */
  public UserCertificateCheck check() {
    return new UserCertificateCheck(ca.getPublic());
  }

  /** A signed certificate and its OpenSSH one-line form ({@code ssh-ed25519-cert-v01@openssh.com AAAA… keyId}). */
  public record Issued(OpenSshCertificate certificate, String line) {
    public Instant validAfter() {
      return Instant.ofEpochSecond(certificate.getValidAfter());
    }

    public Instant validBefore() {
      return Instant.ofEpochSecond(certificate.getValidBefore());
    }
  }

  /**
   * Signs a user certificate for {@code agentKey} (already checked by {@link AgentPublicKey}).
   *
   * @param target the one SSH target it is good for, or {@code null} for any target the policy lets them reach
   * @throws IllegalArgumentException when the identity has already expired at {@code now}
   */
  public Issued issue(Identity who, PublicKey agentKey, String target, Instant now) {
    Instant validBefore = min(who.expiresAt(), now.plus(maxValidity));
    if (!validBefore.isAfter(now)) {
      throw new IllegalArgumentException("the token has expired");
    }
    OpenSshCertificateBuilder builder = OpenSshCertificateBuilder.userCertificate()
        .publicKey(agentKey)
        .serial(RANDOM.nextLong() & Long.MAX_VALUE)
        .id(KEY_ID_PREFIX + who.subject())
        .principals(List.of(who.subject()))
        .validAfter(now.minus(CLOCK_SKEW).getEpochSecond())
        .validBefore(validBefore.getEpochSecond())
        .extension(GROUPS_EXTENSION, new JsonArray(who.groups()).encode())
        .extension(ISSUER_EXTENSION, who.issuer());
    if (target != null) {
      builder.extension(TARGET_EXTENSION, target);
    }
    try {
      OpenSshCertificate cert = builder.sign(ca);
      return new Issued(cert, PublicKeyEntry.toString(cert) + " " + comment(KEY_ID_PREFIX + who.subject()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign the certificate: " + e.getMessage(), e);
    }
  }

  /** The CA's public key as an OpenSSH line, e.g. for {@code @cert-authority} or {@code TrustedUserCAKeys}. */
  public String publicKeyLine() {
    return PublicKeyEntry.toString(ca.getPublic()) + " portcullis-user-ca";
  }

  public String fingerprint() {
    return KeyUtils.getFingerPrint(ca.getPublic());
  }

  /** The line's comment: one word of printable ASCII, so the {@code -cert.pub} file stays one well-formed line. */
  private static String comment(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(200).forEach(c -> out.appendCodePoint(c > 0x20 && c < 0x7f ? c : '_'));
    return out.toString();
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
