package dev.portcullis.ssh;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The agent's public key as sent to the certificate endpoint: one OpenSSH line ({@code ssh-ed25519 AAAA… comment}),
 * of a type the gateway's SSH listener verifies, strong enough to be worth certifying.
 */
public final class AgentPublicKey {
  /** The key types a certificate may be issued for (what MINA verifies in user authentication). */
  public static final Set<String> TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
      "ecdsa-sha2-nistp521", "ssh-rsa");
  public static final int MIN_RSA_BITS = 2048;
  /** An RSA-16384 line is about 2.8 KB; anything far longer is not a public key line. */
  static final int MAX_LINE_CHARS = 8 * 1024;

  private AgentPublicKey() {}

  /**
   * Parses and checks one line.
   *
   * @throws IllegalArgumentException with a message fit for the client when the line is not an acceptable key
   */
  public static PublicKey parse(String line) {
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException("'publicKey' is required: the contents of your .pub file, such as "
          + "'ssh-ed25519 AAAA… you@host'");
    }
    if (line.length() > MAX_LINE_CHARS) {
      throw new IllegalArgumentException("'publicKey' is longer than " + MAX_LINE_CHARS + " characters");
    }
    String trimmed = line.strip();
    if (trimmed.contains("\n") || trimmed.contains("\r")) {
      throw new IllegalArgumentException("'publicKey' must be a single line");
    }
    String[] parts = trimmed.split("\\s+");
    String type = parts[0];
    if (type.contains("-cert-v01@openssh.com")) {
      throw new IllegalArgumentException("'publicKey' is a certificate; send the plain public key (the .pub file)");
    }
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("key type '" + printable(type) + "' is not supported (use one of: "
          + String.join(", ", new java.util.TreeSet<>(TYPES)) + "; ssh-keygen -t ed25519 makes one)");
    }
    if (parts.length < 2) {
      throw new IllegalArgumentException("'publicKey' has no key data after '" + type + "'");
    }
    PublicKey key;
    try {
      Base64.getDecoder().decode(parts[1]);
      key = PublicKeyEntry.parsePublicKeyEntry(type + " " + parts[1])
          .resolvePublicKey(null, java.util.Map.of(), PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw new IllegalArgumentException("'publicKey' could not be read as an OpenSSH " + type + " key");
    }
    if (key == null || key instanceof OpenSshCertificate || !type.equals(KeyUtils.getKeyType(key))) {
      throw new IllegalArgumentException("'publicKey' data does not hold a " + type + " key");
    }
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new IllegalArgumentException("RSA keys must have at least " + MIN_RSA_BITS + " bits, this one has "
          + rsa.getModulus().bitLength() + " (ssh-keygen -t ed25519 makes a better key)");
    }
    return key;
  }

  private static String printable(String s) {
    return TokenAuthenticator.printable(s);
  }
}
