package dev.portcullis.forward;

/** Why an upstream could not be opened; the ordinal is the ReplyException failure code. */
public enum UpstreamFailure {
  /** No such target in the config. SQLSTATE 3D000. */
  UNKNOWN_TARGET("3D000"),
  /** TCP/TLS to the target failed. SQLSTATE 08001. */
  UNREACHABLE("08001"),
  /** The target rejected the gateway's own credential. SQLSTATE 08004 (the agent's token was fine). */
  BACKEND_AUTH_FAILED("08004"),
  /** The backend role is superuser / BYPASSRLS and {@code allowPrivilegedBackend} is off. SQLSTATE 42501. */
  PRIVILEGED_BACKEND("42501"),
  /** Anything else. SQLSTATE 08000. */
  OTHER("08000");

  public final String sqlState;

  UpstreamFailure(String sqlState) {
    this.sqlState = sqlState;
  }
}
