package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Encoders for the backend messages the gateway writes itself during startup. */
public final class BackendMessages {
  /** The single-byte answers to SSLRequest / GSSENCRequest. */
  public static final byte SSL_ACCEPTED = 'S';
  public static final byte ENCRYPTION_DECLINED = 'N';

  private BackendMessages() {}

  public static Buffer authenticationOk() {
    return authentication(MessageTypes.AUTH_OK);
  }

  public static Buffer authenticationCleartextPassword() {
    return authentication(MessageTypes.AUTH_CLEARTEXT_PASSWORD);
  }

  private static Buffer authentication(int code) {
    return Buffer.buffer(9).appendByte(MessageTypes.BACKEND_AUTHENTICATION).appendInt(8).appendInt(code);
  }

  public static Buffer parameterStatus(String name, String value) {
    Buffer out = Buffer.buffer(32).appendByte(MessageTypes.BACKEND_PARAMETER_STATUS).appendInt(0);
    CStrings.append(CStrings.append(out, name), value);
    return out.setInt(1, out.length() - 1);
  }

  public static Buffer backendKeyData(int processId, int secretKey) {
    return Buffer.buffer(13).appendByte(MessageTypes.BACKEND_KEY_DATA).appendInt(12)
        .appendInt(processId).appendInt(secretKey);
  }

  public static Buffer readyForQuery(byte transactionStatus) {
    return Buffer.buffer(6).appendByte(MessageTypes.BACKEND_READY_FOR_QUERY).appendInt(5)
        .appendByte(transactionStatus);
  }

  /** NegotiateProtocolVersion: the newest minor version we support (0) and the options we did not recognize. */
  public static Buffer negotiateProtocolVersion(int newestMinor, List<String> unrecognizedOptions) {
    Buffer out = Buffer.buffer(32).appendByte(MessageTypes.BACKEND_NEGOTIATE_PROTOCOL_VERSION).appendInt(0)
        .appendInt(newestMinor).appendInt(unrecognizedOptions.size());
    unrecognizedOptions.forEach(option -> CStrings.append(out, option));
    return out.setInt(1, out.length() - 1);
  }
}
