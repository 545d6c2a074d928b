package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code listen.postgres}: where agents connect with PostgreSQL clients.
 *
 * @param tls             configured certificate, or {@code null} for an ephemeral self-signed one
 * @param allowPlaintext  accept the token over a non-TLS connection (off by default)
 * @param startupTimeout  a client that has not finished TLS + startup + authentication by then is closed
 * @param maxConnections  connections beyond this are refused with SQLSTATE 53300
 * @param maxMessageBytes a frontend message larger than this is refused (SQLSTATE 54000) and the connection closed
 */
public record PostgresListenConfig(
    String host,
    int port,
    TlsFiles tls,
    boolean allowPlaintext,
    Duration startupTimeout,
    int maxConnections,
    int maxMessageBytes) {

  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
}
