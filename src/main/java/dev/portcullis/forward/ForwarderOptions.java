package dev.portcullis.forward;

import java.time.Duration;

/**
 * Timeouts of the forwarder.
 *
 * @param connectTimeout   TCP connect to a target
 * @param handshakeTimeout from connect to the backend's first ReadyForQuery (TLS, authentication, checks)
 * @param ackTimeout       how long a batch sent to the client side may stay unacknowledged before the session ends
 */
public record ForwarderOptions(Duration connectTimeout, Duration handshakeTimeout, Duration ackTimeout) {
  public static ForwarderOptions defaults() {
    return new ForwarderOptions(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60));
  }
}
