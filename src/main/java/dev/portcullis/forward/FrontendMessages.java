package dev.portcullis.forward;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encodes the few frontend messages the forwarder itself sends (startup, authentication, one query, cancel). */
public final class FrontendMessages {
  static final int PROTOCOL_3_0 = 196608;
  static final int SSL_REQUEST_CODE = 80877103;
  static final int CANCEL_REQUEST_CODE = 80877102;

  private FrontendMessages() {}

  public static Buffer sslRequest() {
    return Buffer.buffer(8).appendInt(8).appendInt(SSL_REQUEST_CODE);
  }

  public static Buffer cancelRequest(int processId, int secretKey) {
    return Buffer.buffer(16).appendInt(16).appendInt(CANCEL_REQUEST_CODE).appendInt(processId).appendInt(secretKey);
  }

  /** StartupMessage v3.0 with the parameters in iteration order (names and values must not contain NUL). */
  public static Buffer startup(Map<String, String> parameters) {
    Buffer body = Buffer.buffer().appendInt(PROTOCOL_3_0);
    parameters.forEach((name, value) -> {
      cString(body, name);
      cString(body, value);
    });
    body.appendByte((byte) 0);
    return Buffer.buffer(body.length() + 4).appendInt(body.length() + 4).appendBuffer(body);
  }

  /** PasswordMessage ('p') carrying a cleartext or md5 password string. */
  public static Buffer password(String password) {
    Buffer body = cString(Buffer.buffer(), password);
    return typed('p', body);
  }

  public static Buffer saslInitialResponse(String mechanism, byte[] data) {
    Buffer body = cString(Buffer.buffer(), mechanism).appendInt(data.length).appendBytes(data);
    return typed('p', body);
  }

  public static Buffer saslResponse(byte[] data) {
    return typed('p', Buffer.buffer(data));
  }

  /** Simple Query ('Q'). */
  public static Buffer query(String sql) {
    return typed('Q', cString(Buffer.buffer(), sql));
  }

  public static Buffer terminate() {
    return typed('X', Buffer.buffer());
  }

  /**
   * Escapes one command-line argument for the startup {@code options} parameter: PostgreSQL splits it on
   * whitespace unless escaped with a backslash, and {@code \\} stands for a backslash.
   */
  public static String escapeOption(String argument) {
    StringBuilder out = new StringBuilder(argument.length() + 8);
    for (int i = 0; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c == '\\' || Character.isWhitespace(c)) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  static Buffer typed(char type, Buffer body) {
    return Buffer.buffer(body.length() + 5).appendByte((byte) type).appendInt(body.length() + 4).appendBuffer(body);
  }

  private static Buffer cString(Buffer buffer, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL in a protocol string");
    }
    return buffer.appendString(value, StandardCharsets.UTF_8.name()).appendByte((byte) 0);
  }
}
