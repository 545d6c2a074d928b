package dev.portcullis.pg;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide map from the BackendKeyData the gateway gave a client to the backend's real key. A CancelRequest
 * arrives on a new connection, possibly at another verticle instance, so the map is shared by all of them.
 */
final class CancelKeys {
  /**
   * The backend a gateway key stands for, and the session it serves (a cancel also withdraws a statement that
   * waits for approval there: it never reached the backend).
   */
  record Backend(String target, int processId, int secretKey, String sessionId) {
    /** Where the session listens for cancels of what it holds. */
    String cancelAddress() {
      return "portcullis.pg.session." + sessionId + ".cancel";
    }
  }

  /** A key the gateway issued: what the client sees. */
  record Issued(int processId, int secretKey) {}

  static final CancelKeys PROCESS = new CancelKeys();

  private final ConcurrentHashMap<Long, Backend> keys = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  Issued issue(Backend backend) {
    while (true) {
      Issued key = new Issued(random.nextInt() & Integer.MAX_VALUE, random.nextInt());
      if (key.processId() != 0 && keys.putIfAbsent(pack(key.processId(), key.secretKey()), backend) == null) {
        return key;
      }
    }
  }

  Backend lookup(int processId, int secretKey) {
    return keys.get(pack(processId, secretKey));
  }

  void remove(Issued key) {
    keys.remove(pack(key.processId(), key.secretKey()));
  }

  int size() {
    return keys.size();
  }

  private static long pack(int processId, int secretKey) {
    return ((long) processId << 32) | (secretKey & 0xffffffffL);
  }
}
