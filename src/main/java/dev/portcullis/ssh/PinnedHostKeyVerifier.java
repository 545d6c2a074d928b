package dev.portcullis.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts exactly one host key, the target's pinned {@code hostKey}; any other key (an unknown host, a changed
 * key, a man in the middle) fails the connection. What was offered instead is kept on the session for the error.
 */
public final class PinnedHostKeyVerifier implements ServerKeyVerifier {
  /** Set on the client session when the key was refused: "ssh-ed25519 SHA256:…" of the key the host offered. */
  static final AttributeKey<String> REFUSED_KEY = new AttributeKey<>();
  private final PublicKey pinned;

  public PinnedHostKeyVerifier(String openSshLine) {
    try {
      this.pinned = PublicKeyEntry.parsePublicKeyEntry(openSshLine)
          .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read the pinned host key: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey offered) {
    if (KeyUtils.compareKeys(pinned, offered)) {
      return true;
    }
    session.setAttribute(REFUSED_KEY, KeyUtils.getKeyType(offered) + " " + KeyUtils.getFingerPrint(offered));
    return false;
  }

  public String pinnedFingerprint() {
    return KeyUtils.getFingerPrint(pinned);
  }
}
