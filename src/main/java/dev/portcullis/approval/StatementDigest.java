package dev.portcullis.approval;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code sha256:<hex>} of a statement's exact text and parameter values: what an approval covers and what a
 * retry-mode grant is keyed on. Each part is length-prefixed, so no two different (text, parameters) pairs can be
 * made to hash the same input.
 */
public final class StatementDigest {
  private StatementDigest() {}

  /** All parameters in text format (or none: a simple Query). */
  public static String of(String text, List<String> parameters) {
    return of(text, parameters, java.util.Collections.nCopies(parameters.size(), false));
  }

  /** @param binary per parameter: sent in binary format (shown as {@code \x} hex) */
  public static String of(String text, List<String> parameters, List<Boolean> binary) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    part(sha, text);
    for (int i = 0; i < parameters.size(); i++) {
      String p = parameters.get(i);
      if (p == null) {
        sha.update(new byte[] {'N'});
      } else {
        sha.update(new byte[] {binary.get(i) ? (byte) 'B' : (byte) 'V'});
        part(sha, p);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  private static void part(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
        (byte) bytes.length});
    sha.update(bytes);
  }
}
