package dev.portcullis.ssh;

import java.net.SocketAddress;
import java.security.PublicKey;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Accepts exactly one host key, the target's pinned {@code hostKey}; any other key (an unknown host, a changed
 * key, a man in the middle) fails the connection. What was offered instead is kept on the session for the error.
 */
public final class PinnedHostKeyVerifier implements ServerKeyVerifier {
  /**
   * "ssh-ed25519 SHA256:…" of the key a session's host offered instead, until {@link #refusedKey} takes it (not a
   * session attribute: MINA clears those when the failed session closes, before the error is built).
   */
  private final Map<ClientSession, String> refused = new ConcurrentHashMap<>();
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
    refused.put(session, KeyUtils.getKeyType(offered) + " " + KeyUtils.getFingerPrint(offered));
    return false;
  }

  /** The key {@code session}'s host offered when it was refused, or {@code null}; forgets it. */
  String refusedKey(ClientSession session) {
    return refused.remove(session);
  }

  public String pinnedFingerprint() {
    return KeyUtils.getFingerPrint(pinned);
  }
}
