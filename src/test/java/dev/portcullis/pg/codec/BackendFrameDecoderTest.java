package dev.portcullis.pg.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendFrameDecoderTest {
  private static Buffer dataRow(int size) {
    Buffer b = Buffer.buffer().appendByte((byte) 'D').appendInt(4 + size);
    for (int i = 0; i < size; i++) {
      b.appendByte((byte) i);
    }
    return b;
  }

  private static Buffer commandComplete(String tag) {
    Buffer b = Buffer.buffer().appendByte((byte) 'C').appendInt(0);
    CStrings.append(b, tag);
    return b.setInt(1, b.length() - 1);
  }

  private static Buffer stream() {
    return Buffer.buffer().appendBuffer(dataRow(10)).appendBuffer(dataRow(300)).appendBuffer(commandComplete("SELECT 2"))
        .appendBuffer(BackendMessages.readyForQuery((byte) 'T')).appendBuffer(dataRow(0));
  }

  @Test
  void passesEverythingThroughAndSeesInspectedMessagesWholeAcrossAnySplit() {
    Buffer all = stream();
    for (int cut1 = 0; cut1 <= all.length(); cut1 += 7) {
      for (int cut2 = cut1; cut2 <= all.length(); cut2 += 13) {
        List<String> seen = new ArrayList<>();
        BackendFrameDecoder decoder = new BackendFrameDecoder((type, m) -> {
          seen.add((char) type + ":" + (type == 'C' ? CommandTag.parse(m) : "" + (char) m.getByte(5)));
          return m;
        });
        Buffer out = Buffer.buffer();
        for (Buffer part : List.of(all.getBuffer(0, cut1), all.getBuffer(cut1, cut2),
            all.getBuffer(cut2, all.length()))) {
          decoder.decode(part).forEach(out::appendBuffer);
        }
        assertEquals(all, out, "cuts " + cut1 + "," + cut2);
        assertEquals(List.of("C:SELECT 2", "Z:T"), seen);
      }
    }
  }

  @Test
  void dropsAndReplacesInspectedMessages() {
    Buffer all = stream();
    Buffer replacement = commandComplete("SELECT 9");
    BackendFrameDecoder decoder = new BackendFrameDecoder((type, m) -> type == 'Z' ? null : type == 'C' ? replacement : m);
    Buffer out = Buffer.buffer();
    decoder.decode(all.getBuffer(0, 20)).forEach(out::appendBuffer);
    decoder.decode(all.getBuffer(20, all.length())).forEach(out::appendBuffer);
    Buffer expected = Buffer.buffer().appendBuffer(dataRow(10)).appendBuffer(dataRow(300)).appendBuffer(replacement)
        .appendBuffer(dataRow(0));
    assertEquals(expected, out);
  }

  @Test
  void errorResponseRoundTrip() {
    ErrorResponse e = ErrorResponse.of("ERROR", "42501", "no", "detail").without('V');
    ErrorResponse back = ErrorResponse.parse(e.encode());
    assertEquals("42501", back.sqlState());
    assertEquals("no", back.message());
    assertEquals("detail", back.detail());
    assertEquals("ERROR", back.severity());
  }
}
