package dev.portcullis.identity.dev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * The dev issuer's RSA signing key, kept as an unencrypted PKCS#8 PEM file readable only by its owner (mode 600),
 * so that dev tokens survive restarts. Generated on first use. Blocking file I/O: call from a worker thread.
 */
public final class DevKeyStore {
  /** File name inside the data directory. */
  public static final String KEY_FILE = "dev-issuer-key.pem";

  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private DevKeyStore() {
  }

  /** Loads {@code dataDir/dev-issuer-key.pem}, or generates a 2048-bit RSA key there first. */
  public static RSAPrivateCrtKey loadOrCreate(Path dataDir) throws IOException, GeneralSecurityException {
    Path file = dataDir.resolve(KEY_FILE);
    if (Files.exists(file)) {
      return read(file);
    }
    Files.createDirectories(dataDir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
    try {
      write(file, key);
      return key;
    } catch (FileAlreadyExistsException raced) {
      // Another process created it meanwhile: use theirs, so both sign with the same key.
      return read(file);
    }
  }

  static RSAPrivateCrtKey read(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end));
    return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  private static void write(Path file, RSAPrivateCrtKey key) throws IOException {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    byte[] pem = (BEGIN + "\n" + body + "\n" + END + "\n").getBytes(StandardCharsets.US_ASCII);
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    // Create with the final permissions: never a moment where the key is world-readable.
    FileAttribute<?>[] attrs = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    Files.createFile(file, attrs);
    Files.write(file, pem, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    if (posix) {
      Files.setPosixFilePermissions(file, OWNER_ONLY); // the umask may have narrowed, never widened, but be exact
    }
  }
}
