package dev.portcullis.ssh;

import dev.portcullis.identity.Identity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * Decides whether a public key offered in SSH user authentication is a certificate of the gateway's
 * {@link SshUserCa}, and if so rebuilds the {@link Identity} it carries. Plain code, no session: MINA's own
 * checks (certificate type, validity, CA signature, and that the request was signed with the certified key) run as
 * well, but MINA accepts any CA's signature; trusting only ours, and reading our extensions, is done here.
 *
 * <p>Everything is re-verified rather than trusted from the caller: type {@code user}, the CA key is ours, the CA's
 * signature over the certificate (so a changed extension is refused), the validity window, exactly one principal,
 * no critical options (the gateway issues none, and an option it does not enforce must not be ignored).
 */
public final class UserCertificateCheck {
  private final PublicKey ca;

  public UserCertificateCheck(PublicKey ca) {
    this.ca = ca;
  }

  /** The outcome of a check. */
  public sealed interface Result permits Accepted, Refused {}

  /**
   * A certificate of ours, valid now.
   *
   * @param identity    subject (the principal), groups and issuer from the extensions, expiresAt = valid-before
   * @param target      the one target the certificate is restricted to, or {@code null}
   * @param fingerprint the certified key's SHA-256 fingerprint (what logs and events may name; never the key)
   */
  public record Accepted(Identity identity, String target, String fingerprint, long serial) implements Result {}

  /**
   * Not accepted.
   *
   * @param reason  client-safe: names no key material
   * @param certificate whether the key was a certificate at all (a plain key is the common, quiet case)
   */
  public record Refused(String reason, boolean certificate) implements Result {}

  public Result check(PublicKey key, Instant now) {
    if (!(key instanceof OpenSshCertificate cert)) {
      return new Refused("only certificates from `portcullis ssh-cert` are accepted, not plain public keys", false);
    }
    if (cert.getType() != OpenSshCertificate.Type.USER) {
      return refused("it is a host certificate, not a user certificate");
    }
    if (cert.getCaPubKey() == null || !KeyUtils.compareKeys(ca, cert.getCaPubKey())) {
      return refused("it is signed by another CA (" + fingerprint(cert.getCaPubKey()) + "), not this gateway's");
    }
    if (!signedByCa(cert)) {
      return refused("its CA signature does not verify (the certificate was altered)");
    }
    long nowSeconds = now.getEpochSecond();
    // Both bounds are uint64 in the wire format: compare unsigned, so "forever" (all ones) is not "before 1970".
    if (Long.compareUnsigned(nowSeconds, cert.getValidAfter()) < 0) {
      return refused("it is not valid yet");
    }
    if (cert.getValidBefore() == OpenSshCertificate.INFINITY) {
      return refused("it has no expiry");
    }
    if (Long.compareUnsigned(nowSeconds, cert.getValidBefore()) >= 0) {
      return refused("it expired at " + Instant.ofEpochSecond(cert.getValidBefore())
          + "; get a new one with `portcullis ssh-cert`");
    }
    Collection<String> principals = cert.getPrincipals();
    if (principals == null || principals.size() != 1 || principals.iterator().next().isBlank()) {
      return refused("it must name exactly one principal (the identity)");
    }
    if (!cert.getCriticalOptions().isEmpty()) {
      return refused("it has critical options this gateway does not issue");
    }
    Map<String, String> extensions = cert.getExtensionsMap();
    String issuer = extensions.get(SshUserCa.ISSUER_EXTENSION);
    List<String> groups = groups(extensions.get(SshUserCa.GROUPS_EXTENSION));
    if (issuer == null || issuer.isBlank() || groups == null) {
      return refused("it lacks the identity's issuer or groups");
    }
    String target = extensions.get(SshUserCa.TARGET_EXTENSION);
    Identity identity = new Identity(principals.iterator().next(), groups, issuer,
        Instant.ofEpochSecond(cert.getValidBefore()));
    return new Accepted(identity, target == null || target.isEmpty() ? null : target,
        fingerprint(cert.getCertPubKey()), cert.getSerial());
  }

  private boolean signedByCa(OpenSshCertificate cert) {
    try {
      BuiltinSignatures algorithm = BuiltinSignatures.fromFactoryName(cert.getSignatureAlgorithm());
      if (algorithm == null || !algorithm.isSupported()
          || !KeyUtils.getKeyType(ca).equals(KeyUtils.getCanonicalKeyType(cert.getSignatureAlgorithm()))) {
        return false;
      }
      Signature verifier = algorithm.create();
      verifier.initVerifier(null, ca);
      verifier.update(null, cert.getMessage());
      return verifier.verify(null, cert.getSignature());
    } catch (Exception e) {
      return false;
    }
  }

  /** The groups extension, or {@code null} when it is missing or not a JSON array of strings. */
  private static List<String> groups(String json) {
    if (json == null) {
      return null;
    }
    try {
      JsonArray array = new JsonArray(json);
      List<String> out = new ArrayList<>(array.size());
      for (Object g : array) {
        if (!(g instanceof String s)) {
          return null;
        }
        out.add(s);
      }
      return out;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static Refused refused(String why) {
    return new Refused("certificate refused: " + why, true);
  }

  private static String fingerprint(PublicKey key) {
    return key == null ? "none" : KeyUtils.getFingerPrint(key);
  }
}
