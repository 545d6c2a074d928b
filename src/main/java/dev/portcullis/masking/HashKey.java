package dev.portcullis.masking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of the {@code hash} strategy. Kept by the gateway (never in policy files) so an agent cannot rebuild a
 * value from its hash by hashing guesses; stable across restarts when loaded from a file so hashed values still join
 * across sessions and gateway instances that share the file.
 */
public final class HashKey {
  public static final int MIN_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";

  private final byte[] secret;
  /** Mac instances are not thread-safe; one per thread, each initialised once. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  private HashKey(byte[] secret) {
    this.secret = secret;
  }

  public static HashKey generate() {
    byte[] bytes = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new HashKey(bytes);
  }

  public static HashKey of(byte[] secret) {
    if (secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a hash key needs at least " + MIN_BYTES + " bytes, got " + secret.length);
    }
    return new HashKey(secret.clone());
  }

  /**
   * Reads the key in {@code file}, or creates it (32 random bytes, owner read/write only) when it does not exist.
   * The file appears whole or not at all: written under a temporary name, then linked to {@code file}, which fails
   * rather than replacing a key another process created meanwhile.
   */
  public static HashKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length < MIN_BYTES) {
        throw new IllegalArgumentException("hash key file " + file + " holds " + bytes.length
            + " bytes; it needs at least " + MIN_BYTES + " (delete it to have a new key generated)");
      }
      return new HashKey(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create hash key file " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = posix()
        ? Files.createTempFile(dir, ".hashkey", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, ".hashkey", ".tmp");
    try {
      byte[] bytes = new byte[MIN_BYTES];
      new SecureRandom().nextBytes(bytes);
      Files.write(temp, bytes);
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: use theirs
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** HMAC-SHA256 of {@code data} under this key. */
  public byte[] hmac(byte[] data) {
    return macs.get().doFinal(data);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashKey k && Arrays.equals(secret, k.secret);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "HashKey[" + secret.length + " bytes, hidden]";
  }
}
