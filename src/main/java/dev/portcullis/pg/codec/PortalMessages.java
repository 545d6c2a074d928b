package dev.portcullis.pg.codec;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The names the gateway reads from the extended-protocol messages that pass through (to link an Execute to the
 * statement it runs): Bind ({@code portal, statement, …}), Execute ({@code portal, int32 maxRows}),
 * Close ({@code 'S'|'P', name}). Describe ({@code 'S'|'P', name}) is written here when masking needs a portal's
 * result shape the client did not ask for.
 */
public final class PortalMessages {
  private PortalMessages() {}

  /** Bind's target: the portal it creates and the prepared statement it binds. */
  public record Bind(String portal, String statement) {}

  /** Close of a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
  public record Close(boolean statement, String name) {}

  public static Bind bind(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    return new Bind(reader.next("portal name"), reader.next("statement name"));
  }

  /** {@code Describe 'P' portal}: the backend answers with RowDescription (or NoData) for that portal's rows. */
  public static Buffer describePortal(String portal) {
    byte[] name = portal.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(6 + name.length + 1)
        .appendByte(MessageTypes.FRONTEND_DESCRIBE)
        .appendInt(4 + 1 + name.length + 1)
        .appendByte((byte) 'P')
        .appendBytes(name)
        .appendByte((byte) 0);
  }

  public static String executePortal(FrontendFrame frame) {
    return new CStrings.Reader(frame.bytes(), 5).next("portal name");
  }

  public static Close close(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    byte kind = reader.readByte();
    if (kind != 'S' && kind != 'P') {
      throw PgProtocolException.violation("invalid Close message subtype " + (kind & 0xff));
    }
    return new Close(kind == 'S', reader.next("close target name"));
  }
}
