package dev.portcullis.pg.codec;

/** PasswordMessage: {@code 'p' | int32 len | cstring password}. Here the password is the agent's OIDC token. */
public final class PasswordMessage {
  private PasswordMessage() {}

  /** The password; callers must never log it. */
  public static String parse(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    String password = reader.next("password");
    if (!reader.atEnd()) {
      throw PgProtocolException.violation("invalid password message: bytes after the password");
    }
    return password;
  }
}
