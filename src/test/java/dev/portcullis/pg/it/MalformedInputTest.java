package dev.portcullis.pg.it;

import static dev.portcullis.pg.it.RawPgClient.bind;
import static dev.portcullis.pg.it.RawPgClient.execute;
import static dev.portcullis.pg.it.RawPgClient.parse;
import static dev.portcullis.pg.it.RawPgClient.query;
import static dev.portcullis.pg.it.RawPgClient.sync;
import static dev.portcullis.pg.it.RawPgClient.typed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on raw sockets: each case asserts the gateway's reply and the close, and that a healthy session
 * opened before keeps working.
 */
class MalformedInputTest {
  static final int MAX_CONNECTIONS = 12;
  static GatewayFixture gw;
  RawPgClient healthy;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(true, Duration.ofSeconds(1), MAX_CONNECTIONS, 64 * 1024);
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
  }

  @BeforeEach
  void openHealthySession() throws Exception {
    healthy = new RawPgClient(gw.port).login(GatewayFixture.TARGET, GatewayFixture.TOKEN);
  }

  @AfterEach
  void healthySessionStillWorks() throws Exception {
    healthy.send(query("select 40 + 2"));
    assertEquals('T', healthy.read().type());
    RawPgClient.Msg row = healthy.read();
    assertEquals('D', row.type());
    assertTrue(new String(row.body()).endsWith("42"));
    assertEquals('Z', healthy.readUntil('Z').type());
    healthy.close();
  }

  private static RawPgClient loggedIn() throws Exception {
    return new RawPgClient(gw.port).login(GatewayFixture.TARGET, GatewayFixture.TOKEN);
  }

  private static void assertFatal(RawPgClient c, String sqlState, String messagePart) throws Exception {
    RawPgClient.Msg m = c.readUntil('E');
    assertEquals('E', m.type());
    Map<Character, String> f = m.fields();
    assertEquals("FATAL", f.get('S'), f.toString());
    assertEquals(sqlState, f.get('C'), f.toString());
    assertTrue(f.get('M').contains(messagePart), f.toString());
    assertTrue(c.closedByPeer(), "connection closed");
  }

  @Test
  void oversizedMessage() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(ByteBuffer.allocate(5).put((byte) 'Q').putInt(1 << 20).array());
      assertFatal(c, "54000", "exceeds the gateway's limit");
    }
  }

  @Test
  void invalidLength() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(ByteBuffer.allocate(5).put((byte) 'Q').putInt(2).array());
      assertFatal(c, "08P01", "invalid message length");
    }
  }

  @Test
  void unknownMessageType() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(typed('y', new byte[3]));
      assertFatal(c, "08P01", "invalid frontend message type");
    }
  }

  @Test
  void invalidUtf8InQueryAndParse() throws Exception {
    byte[] bad = {'s', 'e', 'l', (byte) 0xC3, (byte) 0x28, 0};
    try (RawPgClient c = loggedIn()) {
      c.send(typed('Q', bad));
      assertFatal(c, "22021", "invalid byte sequence");
    }
    try (RawPgClient c = loggedIn()) {
      c.send(typed('P', new byte[] {0}, bad, new byte[] {0, 0}));
      assertFatal(c, "22021", "invalid byte sequence");
    }
  }

  @Test
  void truncatedStartupPacketTimesOut() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(ByteBuffer.allocate(8).putInt(100).putInt(196608).array());
      assertFatal(c, "08P01", "did not finish in time");
    }
  }

  @Test
  void silentClientTimesOut() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      assertFatal(c, "08P01", "did not finish in time");
    }
  }

  @Test
  void plaintextAfterSslRequestIsRefused() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      byte[] ssl = RawPgClient.sslRequest();
      byte[] startup = RawPgClient.startup(196608, Map.of("user", "u", "database", GatewayFixture.TARGET));
      c.send(ByteBuffer.allocate(ssl.length + startup.length).put(ssl).put(startup).array());
      RawPgClient.Msg first = c.read();
      assertEquals('E', first.type(), "no 'S' before the error");
      assertEquals("08P01", first.fields().get('C'));
      assertTrue(first.fields().get('M').contains("unencrypted data after SSL request"));
      assertTrue(c.closedByPeer());
    }
  }

  @Test
  void startupWithoutDatabaseOrWithRefusedParameters() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u")));
      assertFatal(c, "08P01", "database");
    }
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u", "database", "orders", "options", "-c role=admin")));
      assertFatal(c, "42501", "\"options\" is not allowed through the gateway");
    }
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u", "database", "orders", "replication", "true")));
      assertFatal(c, "42501", "\"replication\" is not allowed");
    }
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u", "database", "orders", "client_encoding", "SJIS")));
      assertFatal(c, "0A000", "requires UTF8");
    }
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(4 << 16, Map.of("user", "u", "database", "orders")));
      assertFatal(c, "0A000", "unsupported frontend protocol");
    }
  }

  @Test
  void newerMinorVersionIsNegotiatedDown() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      Map<String, String> p = new LinkedHashMap<>(Map.of("user", "u", "database", "orders", "_pq_.future", "1"));
      c.send(RawPgClient.startup((3 << 16) | 2, p));
      RawPgClient.Msg v = c.read();
      assertEquals('v', v.type());
      ByteBuffer b = ByteBuffer.wrap(v.body());
      assertEquals(0, b.getInt());
      assertEquals(1, b.getInt());
      assertEquals('R', c.read().type());
      c.send(RawPgClient.password(GatewayFixture.TOKEN));
      assertEquals('Z', c.readUntil('Z').type());
    }
  }

  @Test
  void rejectedTokenAndUnadmittedTarget() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u", "database", "orders")));
      assertEquals('R', c.read().type());
      c.send(RawPgClient.password("not-a-token"));
      assertFatal(c, "28P01", "portcullis: token rejected: signature invalid");
    }
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(RawPgClient.startup(196608, Map.of("user", "u", "database", "closed")));
      assertEquals('R', c.read().type());
      c.send(RawPgClient.password(GatewayFixture.TOKEN));
      assertFatal(c, "28000", "no policy grants subject 'ci-bot' (groups: ai-agents) access to target 'closed'");
    }
  }

  @Test
  void connectionFloodIsRefusedWith53300() throws Exception {
    List<RawPgClient> flood = new ArrayList<>();
    try {
      // Open connections until the gateway refuses one. Connections of earlier tests may still be counted for a
      // moment after their close, so the refusal may come a little early, never late.
      RawPgClient refused = null;
      for (int i = 0; i < MAX_CONNECTIONS + 1 && refused == null; i++) {
        RawPgClient c = new RawPgClient(gw.port);
        flood.add(c);
        c.send(RawPgClient.untyped(80877104, new byte[0])); // GSSENCRequest: 'N' when accepted
        int first = c.socket.getInputStream().read();
        if (first != 'N') {
          assertEquals('E', first);
          refused = c;
        }
      }
      assertTrue(refused != null, "never refused");
      assertTrue(flood.size() <= MAX_CONNECTIONS, "refused at or before the limit (healthy session holds one)");
      byte[] len = refused.socket.getInputStream().readNBytes(4);
      byte[] body = refused.socket.getInputStream().readNBytes(ByteBuffer.wrap(len).getInt() - 4);
      Map<Character, String> f = new RawPgClient.Msg('E', body).fields();
      assertEquals("53300", f.get('C'));
      assertEquals("FATAL", f.get('S'));
      assertTrue(refused.closedByPeer());
    } finally {
      for (RawPgClient c : flood) {
        c.close();
      }
    }
  }

  @Test
  void functionCallIsRefusedAndTheSessionGoesOn() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(typed('F', new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
      RawPgClient.Msg e = c.read();
      assertEquals('E', e.type());
      assertEquals("ERROR", e.fields().get('S'));
      assertEquals("42501", e.fields().get('C'));
      assertEquals("portcullis: FunctionCall is not allowed through the gateway", e.fields().get('M'));
      assertNull(e.fields().get('s'), "the gateway's marker never reaches the client");
      assertEquals('Z', c.read().type());
    }
  }

  @Test
  void pipelinedSimpleQueriesKeepTheirOrder() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(query("select 1"), query("select * from forbidden_marker"), query("select 2"));
      List<String> seen = new ArrayList<>();
      for (int z = 0; z < 3; ) {
        RawPgClient.Msg m = c.read();
        seen.add(m.type() == 'E' ? "E" + m.fields().get('C') : m.type() == 'D' ? "D" + new String(m.body()).trim()
            : String.valueOf(m.type()));
        if (m.type() == 'Z') {
          z++;
        }
      }
      assertEquals(10, seen.size(), seen.toString());
      assertEquals("E42501", seen.get(4), seen.toString());
      assertEquals("Z", seen.get(5), seen.toString());
      assertTrue(seen.get(1).endsWith("1") && seen.get(7).endsWith("2"), seen.toString());
    }
  }

  @Test
  void refusedParseInAPipelineBehavesLikeAFailedParse() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(parse("", "select 1"), bind("", ""), execute(""),
          parse("s2", "select * from forbidden_marker"), bind("", "s2"), execute(""), sync(),
          query("select 3"));
      List<Character> types = new ArrayList<>();
      RawPgClient.Msg error = null;
      for (int z = 0; z < 2; ) {
        RawPgClient.Msg m = c.read();
        types.add(m.type());
        if (m.type() == 'E') {
          error = m;
        }
        if (m.type() == 'Z') {
          z++;
        }
      }
      assertEquals(List.of('1', '2', 'D', 'C', 'E', 'Z', 'T', 'D', 'C', 'Z'), types);
      assertEquals(GatewayFixture.deniedMessage("select on public.forbidden_marker is denied"), error.fields().get('M'));
      assertFalse(error.fields().containsKey('s'));
    }
  }

  @Test
  void refusedParseAfterAServerErrorInTheSameSyncCycle() throws Exception {
    try (RawPgClient c = loggedIn()) {
      c.send(parse("", "select 1/0"), bind("", ""), execute(""),
          parse("", "select * from forbidden_marker"), bind("", ""), execute(""), sync(), query("select 4"));
      List<Character> types = new ArrayList<>();
      RawPgClient.Msg error = null;
      for (int z = 0; z < 2; ) {
        RawPgClient.Msg m = c.read();
        types.add(m.type());
        if (m.type() == 'E' && error == null) {
          error = m;
        }
        if (m.type() == 'Z') {
          z++;
        }
      }
      // 1/0 fails when planned at Bind; the server then ignores up to the Sync, the refusal Query included.
      assertEquals(List.of('1', 'E', 'Z', 'T', 'D', 'C', 'Z'), types);
      assertEquals("22012", error.fields().get('C'));
    }
  }

  @Test
  void tokenExpiryEndsTheSessionAtTheNextStatement() throws Exception {
    long loggedIn = System.nanoTime();
    try (RawPgClient c = new RawPgClient(gw.port).login(GatewayFixture.TARGET, GatewayFixture.SHORT_TOKEN)) {
      c.send(query("select 1"));
      assertEquals('Z', c.readUntil('Z').type(), "valid before expiry");
      // The identity expires 1.5 s after validation: wall-clock time is the event awaited here.
      Thread.sleep(Math.max(0, Duration.ofMillis(1600).toMillis() - (System.nanoTime() - loggedIn) / 1_000_000));
      c.send(query("select 2"));
      assertFatal(c, "28P01", "portcullis: token expired");
    }
  }

  @Test
  void backendChangingClientEncodingEndsTheSession() throws Exception {
    try (RawPgClient c = loggedIn()) {
      // SET client_encoding is refused by the policy; a function the policy allows changes it on the backend.
      c.send(query("select pgterm_latin1()"));
      assertFatal(c, "42501", "changed client_encoding");
    }
  }

  @Test
  void cancelRequestWithAnUnknownKeyIsClosedWithoutReply() throws Exception {
    try (RawPgClient c = new RawPgClient(gw.port)) {
      c.send(ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(12345).putInt(678).array());
      assertEquals(-1, c.socket.getInputStream().read(), "closed, nothing sent");
    }
  }

  @Test
  void upstreamFailuresReachTheClientWithTheirSqlState() throws Exception {
    for (String[] c : new String[][] {{"down", "08001"}, {"privileged", "42501"}, {"nowhere", "3D000"}}) {
      try (RawPgClient client = new RawPgClient(gw.port)) {
        client.send(RawPgClient.startup(196608, Map.of("user", "u", "database", c[0])));
        assertEquals('R', client.read().type());
        client.send(RawPgClient.password(GatewayFixture.TOKEN));
        assertFatal(client, c[1], "portcullis: ");
      }
    }
  }
}
