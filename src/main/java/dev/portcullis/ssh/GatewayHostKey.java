package dev.portcullis.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Iterator;
import java.util.Set;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's SSH host key ({@code listen.ssh.hostKey}): read when the file exists, otherwise generated (ed25519,
 * or ECDSA P-256 where this JVM cannot do ed25519) and written in OpenSSH format with mode 600 before anyone can
 * read it. Kept across restarts, so agents that pinned the gateway's key keep trusting it.
 */
public final class GatewayHostKey {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayHostKey.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private GatewayHostKey() {}

  public static KeyPair loadOrCreate(Path file) {
    return loadOrCreate(file, "host key");
  }

  /**
   * The same for any of the gateway's own SSH keys (the host key, the user CA key).
   *
   * @param what names the key in log lines and errors
   */
  public static KeyPair loadOrCreate(Path file, String what) {
    try {
      if (Files.exists(file)) {
        warnIfReadableByOthers(file, what);
        return load(file);
      }
      KeyPair key = generate();
      write(file, key);
      LOG.info("ssh: generated the gateway's {} {} ({})", what, file, KeyUtils.getFingerPrint(key.getPublic()));
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the SSH " + what + " " + file + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read or create the SSH " + what + " " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Reads the first key pair of an OpenSSH (or PEM) private key file, unencrypted. */
  public static KeyPair load(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in,
          null);
      Iterator<KeyPair> it = keys == null ? null : keys.iterator();
      if (it == null || !it.hasNext()) {
        throw new GeneralSecurityException("no key pair in " + file);
      }
      return it.next();
    }
  }

  static KeyPair generate() throws GeneralSecurityException {
    return SecurityUtils.isEDDSACurveSupported()
        ? KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256)
        : KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
  }

  /** Writes to a new owner-only file beside the target, then moves it in place: never briefly world-readable. */
  public static void write(Path file, KeyPair key) throws IOException, GeneralSecurityException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try (OutputStream out = Files.newOutputStream(tmp)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "portcullis", null, out);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void warnIfReadableByOthers(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
      LOG.warn("ssh: {} {} is readable by others ({}); chmod 600 it", what, file,
          PosixFilePermissions.toString(perms));
    }
  }
}
