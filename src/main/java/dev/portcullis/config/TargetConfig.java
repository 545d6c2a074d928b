package dev.portcullis.config;

/**
 * One entry of {@code targets:}; for now only {@code type: postgres}.
 *
 * @param name                    the key under {@code targets:}, which agents put in {@code dbname}
 * @param password                the gateway's own credential ({@code passwordEnv} or {@code passwordFile});
 *                                {@code null} for trust authentication
 * @param tls                     how the gateway talks TLS to the target
 * @param allowPrivilegedBackend  accept a superuser / BYPASSRLS backend role (refused by default)
 */
public record TargetConfig(
    String name,
    String type,
    String host,
    int port,
    String database,
    String username,
    Secret password,
    UpstreamTls tls,
    boolean allowPrivilegedBackend) {

  /**
   * {@code tls:} of a target. {@code mode}: {@code disable} (default for 127.0.0.1/localhost), {@code require}
   * (encrypt, no verification), {@code verify-full} (verify the chain against {@code caFile}, or the JVM's trust
   * store when absent, and the host name).
   */
  public record UpstreamTls(Mode mode, java.nio.file.Path caFile) {
    public enum Mode { DISABLE, REQUIRE, VERIFY_FULL }

    public static UpstreamTls disabled() {
      return new UpstreamTls(Mode.DISABLE, null);
    }
  }
}
