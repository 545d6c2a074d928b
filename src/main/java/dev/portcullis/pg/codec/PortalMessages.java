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

  /** Execute of a portal, with its row limit. */
  public record Execute(String portal, int maxRows) {}

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

  /**
   * {@code Parse "" sql | Describe 'S' "" | Sync}: asks the backend for the RowDescription of {@code sql} without
   * running it (masking learns where the columns of a COPY come from this way).
   */
  public static Buffer describeStatementProbe(String sql) {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(text.length + 24)
        .appendByte(MessageTypes.FRONTEND_PARSE).appendInt(4 + 1 + text.length + 1 + 2)
        .appendByte((byte) 0).appendBytes(text).appendByte((byte) 0).appendShort((short) 0)
        .appendByte(MessageTypes.FRONTEND_DESCRIBE).appendInt(4 + 1 + 1).appendByte((byte) 'S').appendByte((byte) 0)
        .appendByte(MessageTypes.FRONTEND_SYNC).appendInt(4);
  }

  /** Execute's portal and row limit (0 = all; a PortalSuspended answer means exactly that many rows were sent). */
  public static Execute execute(FrontendFrame frame) {
    CStrings.Reader reader = new CStrings.Reader(frame.bytes(), 5);
    String portal = reader.next("portal name");
    int at = reader.position();
    if (at + 4 > frame.bytes().length()) {
      throw PgProtocolException.violation("Execute message too short for its row limit");
    }
    return new Execute(portal, frame.bytes().getInt(at));
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
