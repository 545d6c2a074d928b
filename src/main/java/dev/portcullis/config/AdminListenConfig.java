package dev.portcullis.config;

/**
 * {@code listen.admin}: the admin HTTP listener ({@code /health}, {@code /metrics}, {@code /approvals}).
 *
 * @param host where to bind (default {@code 127.0.0.1}: the API decides approvals, so it is not public unless asked)
 * @param port the port ({@code 0} picks a free one, for tests)
 * @param tls  certificate and key for HTTPS, or {@code null} for plain HTTP
 */
public record AdminListenConfig(String host, int port, TlsFiles tls) {
  public static final String DEFAULT_HOST = "127.0.0.1";
}
