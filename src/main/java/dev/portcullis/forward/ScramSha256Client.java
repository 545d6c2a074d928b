package dev.portcullis.forward;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding (gs2 header {@code n,,}), as used by
 * PostgreSQL's SASL authentication. The server's signature is verified, so a server that does not know the
 * password cannot pretend to have authenticated us. SASLprep is not applied (identity for ASCII passwords).
 *
 * <p>One instance per exchange: {@link #clientFirstMessage()}, {@link #clientFinalMessage(String)} (CPU-heavy:
 * PBKDF2, run it off the event loop), {@link #verifyServerFinal(String)}.
 */
public final class ScramSha256Client {
  public static final String MECHANISM = "SCRAM-SHA-256";
  static final String GS2_HEADER = "n,,";
  /** Guards against a server asking for an absurd amount of work. */
  static final int MAX_ITERATIONS = 10_000_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String username;
  private final byte[] password;
  private final String clientNonce;
  private String authMessage;
  private byte[] serverSignature;

  /** PostgreSQL ignores the SCRAM user name (it uses the startup user), so the empty name is normal. */
  public ScramSha256Client(String password) {
    this("", password, newNonce());
  }

  ScramSha256Client(String username, String password, String clientNonce) {
    this.username = username;
    this.password = password.getBytes(StandardCharsets.UTF_8);
    this.clientNonce = clientNonce;
  }

  public String clientFirstMessage() {
    return GS2_HEADER + clientFirstBare();
  }

  /** Computes the proof for the server-first-message; throws {@link UpstreamException} on a malformed one. */
  public String clientFinalMessage(String serverFirst) {
    String nonce = null;
    String salt = null;
    String iterations = null;
    for (String attribute : serverFirst.split(",", -1)) {
      if (attribute.startsWith("r=")) {
        nonce = attribute.substring(2);
      } else if (attribute.startsWith("s=")) {
        salt = attribute.substring(2);
      } else if (attribute.startsWith("i=")) {
        iterations = attribute.substring(2);
      } else if (attribute.startsWith("m=")) {
        throw malformed("the target requires an unsupported SCRAM extension");
      }
    }
    if (nonce == null || salt == null || iterations == null) {
      throw malformed("the target sent an incomplete SCRAM challenge");
    }
    // The server must extend our nonce; otherwise this could be a replayed exchange.
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw malformed("the target sent a SCRAM nonce that does not extend ours");
    }
    int count;
    byte[] saltBytes;
    try {
      count = Integer.parseInt(iterations);
      saltBytes = Base64.getDecoder().decode(salt);
    } catch (IllegalArgumentException e) {
      throw malformed("the target sent a malformed SCRAM challenge");
    }
    if (count < 1 || count > MAX_ITERATIONS) {
      throw malformed("the target asked for an unacceptable SCRAM iteration count");
    }
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII))
        + ",r=" + nonce;
    authMessage = clientFirstBare() + "," + serverFirst + "," + withoutProof;
    byte[] salted = hi(password, saltBytes, count);
    byte[] clientKey = hmac(salted, "Client Key");
    byte[] storedKey = sha256(clientKey);
    byte[] clientSignature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
    }
    serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Checks the server-final-message; a wrong or missing signature fails authentication. */
  public void verifyServerFinal(String serverFinal) {
    if (serverSignature == null) {
      throw malformed("the target finished SCRAM before it started");
    }
    if (serverFinal.startsWith("e=")) {
      throw new UpstreamException(UpstreamFailure.BACKEND_AUTH_FAILED, "the target rejected the gateway's credential");
    }
    String v = null;
    for (String attribute : serverFinal.split(",", -1)) {
      if (attribute.startsWith("v=")) {
        v = attribute.substring(2);
      }
    }
    byte[] received;
    try {
      received = v == null ? new byte[0] : Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      received = new byte[0];
    }
    if (!MessageDigest.isEqual(received, serverSignature)) {
      throw new UpstreamException(UpstreamFailure.BACKEND_AUTH_FAILED,
          "the target could not prove it knows the gateway's credential (SCRAM server signature mismatch)");
    }
  }

  private String clientFirstBare() {
    return "n=" + username.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
  }

  private static String newNonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static UpstreamException malformed(String message) {
    return new UpstreamException(UpstreamFailure.OTHER, message);
  }

  // Hi() of RFC 5802: PBKDF2 with HMAC-SHA-256 and one output block.
  private static byte[] hi(byte[] password, byte[] salt, int iterations) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(password, "HmacSHA256"));
      mac.update(salt);
      byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
      byte[] result = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = mac.doFinal(u);
        for (int j = 0; j < result.length; j++) {
          result[j] ^= u[j];
        }
      }
      return result;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
