package dev.portcullis.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.security.KeyPair;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;

class PinnedHostKeyVerifierTest {
  @Test
  void acceptsOnlyThePinnedKeyAndRemembersWhatWasOffered() throws Exception {
    KeyPair pinned = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    KeyPair other = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
    PinnedHostKeyVerifier verifier = new PinnedHostKeyVerifier(PublicKeyEntry.toString(pinned.getPublic())
        + " comment is ignored");
    ClientSession session = session();
    assertTrue(verifier.verifyServerKey(session, null, pinned.getPublic()));
    assertNull(verifier.refusedKey(session));
    assertFalse(verifier.verifyServerKey(session, null, other.getPublic()));
    assertEquals("ecdsa-sha2-nistp256 " + KeyUtils.getFingerPrint(other.getPublic()), verifier.refusedKey(session));
    assertNull(verifier.refusedKey(session), "taken once");
  }

  /** A stand-in session: the verifier only uses it as a map key. */
  private static ClientSession session() {
    return (ClientSession) Proxy.newProxyInstance(ClientSession.class.getClassLoader(),
        new Class<?>[] {ClientSession.class}, (proxy, method, args) -> switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }

  @Test
  void unreadableLineIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> new PinnedHostKeyVerifier("ssh-ed25519 AAAAnotakey"));
  }
}
