package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendFramerTest {
  private static Buffer message(char type, String body) {
    return FrontendMessages.typed(type, Buffer.buffer(body));
  }

  @Test
  void splitsManyMessagesInOneRead() {
    BackendFramer framer = new BackendFramer();
    framer.append(message('S', "a").appendBuffer(message('K', "12345678")).appendBuffer(message('Z', "I")));
    assertEquals('S', framer.next().type());
    assertEquals('K', framer.next().type());
    BackendMessage z = framer.next();
    assertEquals('Z', z.type());
    assertEquals("I", z.body().toString());
    assertNull(framer.next());
  }

  @Test
  void joinsAMessageSplitOverReadsAtEveryByte() {
    Buffer all = message('D', "hello world").appendBuffer(message('C', "SELECT 1"));
    for (int cut = 1; cut < all.length(); cut++) {
      BackendFramer framer = new BackendFramer();
      List<BackendMessage> got = new ArrayList<>();
      for (Buffer part : List.of(all.getBuffer(0, cut), all.getBuffer(cut, all.length()))) {
        framer.append(part);
        BackendMessage m;
        while ((m = framer.next()) != null) {
          got.add(m);
        }
      }
      assertEquals(2, got.size(), "cut at " + cut);
      assertEquals("hello world", got.get(0).body().toString());
      assertEquals("SELECT 1", got.get(1).body().toString());
    }
  }

  @Test
  void keepsUnreadBytesForTheRelay() {
    BackendFramer framer = new BackendFramer();
    framer.append(message('Z', "I").appendBuffer(Buffer.buffer("Tpart")));
    framer.next();
    assertEquals("Tpart", framer.remaining().toString());
  }

  @Test
  void rejectsBadLength() {
    BackendFramer framer = new BackendFramer();
    framer.append(Buffer.buffer().appendByte((byte) 'R').appendInt(2));
    assertThrows(UpstreamException.class, framer::next);
  }

  @Test
  void parsesErrorFields() {
    Buffer body = Buffer.buffer().appendString("SFATAL").appendByte((byte) 0).appendString("C28P01")
        .appendByte((byte) 0).appendString("Mbad").appendByte((byte) 0).appendByte((byte) 0);
    Map<Character, String> fields = new BackendMessage((byte) 'E', body).fields();
    assertEquals("28P01", fields.get('C'));
    assertEquals("bad", fields.get('M'));
  }

  @Test
  void escapesOptionArguments() {
    assertEquals("search_path=\"$user\",\\ public", FrontendMessages.escapeOption("search_path=\"$user\", public"));
    assertEquals("a\\\\b", FrontendMessages.escapeOption("a\\b"));
  }
}
