package dev.portcullis.pg.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrontendFrameDecoderTest {
  private static Buffer query(String sql) {
    return QueryMessage.encode(sql);
  }

  @Test
  void framesMessagesSplitAtEveryByteBoundary() {
    Buffer stream = Buffer.buffer().appendBuffer(query("select 1")).appendBuffer(query("select 22"));
    for (int cut = 0; cut <= stream.length(); cut++) {
      FrontendFrameDecoder decoder = new FrontendFrameDecoder(1024);
      decoder.typedMode(1024);
      decoder.feed(stream.getBuffer(0, cut));
      int seen = 0;
      for (FrontendFrame f; (f = decoder.next()) != null; ) {
        seen++;
      }
      decoder.feed(stream.getBuffer(cut, stream.length()));
      for (FrontendFrame f; (f = decoder.next()) != null; ) {
        seen++;
        if (seen == 2) {
          assertEquals("select 22", QueryMessage.parse(f));
        }
      }
      assertEquals(2, seen, "cut at " + cut);
      assertEquals(0, decoder.buffered());
    }
  }

  @Test
  void largeMessageArrivingInChunksIsAssembledOnce() {
    String sql = "select '" + "x".repeat(100_000) + "'";
    Buffer whole = query(sql);
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(1 << 20);
    decoder.typedMode(1 << 20);
    FrontendFrame frame = null;
    for (int i = 0; i < whole.length(); i += 1000) {
      decoder.feed(whole.getBuffer(i, Math.min(whole.length(), i + 1000)));
      FrontendFrame f = decoder.next();
      if (f != null) {
        frame = f;
      }
    }
    assertEquals(sql, QueryMessage.parse(frame));
  }

  @Test
  void refusesOversizedBeforeBufferingTheBody() {
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(100);
    decoder.typedMode(100);
    decoder.feed(Buffer.buffer().appendByte((byte) 'Q').appendInt(101));
    PgProtocolException e = assertThrows(PgProtocolException.class, decoder::next);
    assertEquals("54000", e.sqlState());
  }

  @Test
  void refusesShortLengthAndUnknownType() {
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(100);
    decoder.typedMode(100);
    decoder.feed(Buffer.buffer().appendByte((byte) 'Q').appendInt(3));
    assertEquals("08P01", assertThrows(PgProtocolException.class, decoder::next).sqlState());
    FrontendFrameDecoder unknown = new FrontendFrameDecoder(100);
    unknown.typedMode(100);
    unknown.feed(Buffer.buffer().appendByte((byte) 'y').appendInt(4));
    assertEquals("08P01", assertThrows(PgProtocolException.class, unknown::next).sqlState());
  }

  @Test
  void startupModeReadsUntypedAndBoundsLength() {
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(100);
    decoder.feed(Buffer.buffer().appendInt(8).appendInt(MessageTypes.SSL_REQUEST_CODE).appendByte((byte) 'x'));
    FrontendFrame ssl = decoder.next();
    assertEquals(MessageTypes.SSL_REQUEST_CODE, ssl.startupCode());
    assertEquals(1, decoder.buffered());
    assertNull(new FrontendFrameDecoder(100).next());
    FrontendFrameDecoder huge = new FrontendFrameDecoder(100);
    huge.feed(Buffer.buffer().appendInt(20_000).appendInt(MessageTypes.PROTOCOL_3_0));
    assertEquals("54000", assertThrows(PgProtocolException.class, huge::next).sqlState());
  }

  @Test
  void strictUtf8InQuery() {
    Buffer bad = Buffer.buffer().appendByte((byte) 'Q').appendInt(4 + 3).appendByte((byte) 0xC3)
        .appendByte((byte) 0x28).appendByte((byte) 0);
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(100);
    decoder.typedMode(100);
    decoder.feed(bad);
    FrontendFrame f = decoder.next();
    assertEquals("22021", assertThrows(PgProtocolException.class, () -> QueryMessage.parse(f)).sqlState());
  }

  @Test
  void startupMessageParameters() {
    Buffer body = Buffer.buffer().appendInt(0).appendInt(MessageTypes.PROTOCOL_3_0);
    CStrings.append(CStrings.append(body, "user"), "bot");
    CStrings.append(CStrings.append(body, "database"), "orders");
    body.appendByte((byte) 0).setInt(0, body.length());
    FrontendFrameDecoder decoder = new FrontendFrameDecoder(100);
    decoder.feed(body);
    StartupMessage m = StartupMessage.parse(decoder.next());
    assertEquals(3, m.major());
    assertEquals(0, m.minor());
    assertEquals("orders", m.parameters().get("database"));
  }
}
