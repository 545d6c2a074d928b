package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgForwardingVerticleTest {
  private static final String WRONG_PASSWORD = "wrong-pw-7f3a9c";
  private static LocalPostgres pg;
  private static Vertx vertx;
  private static PgForwardingVerticle verticle;

  @BeforeAll
  static void start() throws Exception {
    pg = LocalPostgres.get();
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Map<String, TargetConfig> targets = new HashMap<>();
    targets.put("scram", pg.target("scram"));
    targets.put("md5", pg.target("md5", LocalPostgres.MD5_ROLE));
    targets.put("cleartext", pg.target("cleartext", LocalPostgres.CLEARTEXT_ROLE));
    targets.put("trust", pg.target("trust", LocalPostgres.TRUST_ROLE));
    targets.put("wrong", pg.target("wrong", LocalPostgres.APP_ROLE, new Secret(WRONG_PASSWORD), false));
    targets.put("super", pg.target("super", LocalPostgres.SUPER_ROLE));
    targets.put("inherits", pg.target("inherits", LocalPostgres.INHERITS_BYPASS_ROLE));
    targets.put("super-allowed", pg.target("super-allowed", LocalPostgres.SUPER_ROLE,
        pg.password(LocalPostgres.SUPER_ROLE), true));
    TargetConfig app = pg.target("down");
    targets.put("down", new TargetConfig("down", "postgres", "127.0.0.1", closedPort, app.database(),
        app.username(), app.password(), app.tls(), false));
    verticle = new PgForwardingVerticle(targets);
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static UpstreamOpened open(String target, TerminationSide client, Map<String, String> params)
      throws Exception {
    UpstreamOpen request = new UpstreamOpen(UUID.randomUUID().toString(), target, params, client.address);
    return vertx.eventBus().<UpstreamOpened>request(Addresses.FORWARD_PG_OPEN, request,
            new DeliveryOptions().setSendTimeout(20_000))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();
  }

  private static ReplyException openFails(String target) throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      open(target, client, Map.of());
      throw new AssertionError("open of " + target + " succeeded");
    } catch (ExecutionException e) {
      return assertInstanceOf(ReplyException.class, e.getCause());
    }
  }

  /** Runs a simple query through the relay and returns the text values of its rows. */
  private static List<List<String>> query(TerminationSide client, UpstreamOpened opened, String sql)
      throws Exception {
    client.messages.clear();
    client.send(opened.toUpstreamAddress(), FrontendMessages.query(sql));
    BackendMessage done = client.nextCompletion();
    if (done.type() == BackendMessage.ERROR_RESPONSE) {
      throw new AssertionError("query failed: " + done.fields());
    }
    List<List<String>> rows = new ArrayList<>();
    for (BackendMessage m : client.messages) {
      if (m.type() == BackendMessage.DATA_ROW) {
        rows.add(dataRow(m.body()));
      }
    }
    return rows;
  }

  private static List<String> dataRow(Buffer body) {
    List<String> values = new ArrayList<>();
    int pos = 2;
    for (int i = 0; i < body.getShort(0); i++) {
      int len = body.getInt(pos);
      pos += 4;
      values.add(len < 0 ? null : body.getString(pos, pos + len, StandardCharsets.UTF_8.name()));
      pos += Math.max(len, 0);
    }
    return values;
  }

  @Test
  void opensWithEachAuthenticationMethod() throws Exception {
    Map<String, String> roles = Map.of("scram", LocalPostgres.APP_ROLE, "md5", LocalPostgres.MD5_ROLE,
        "cleartext", LocalPostgres.CLEARTEXT_ROLE, "trust", LocalPostgres.TRUST_ROLE);
    for (Map.Entry<String, String> e : roles.entrySet()) {
      try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
        UpstreamOpened opened = open(e.getKey(), client, Map.of());
        assertEquals("UTF8", opened.parameterStatus().get("client_encoding"));
        assertNotEquals(0, opened.processId());
        assertEquals(List.of(List.of(e.getValue(), LocalPostgres.DATABASE)),
            query(client, opened, "SELECT current_user, current_database()"), e.getKey());
        client.end(opened.toUpstreamAddress());
      }
    }
  }

  @Test
  void wrongBackendPasswordIsReportedWithoutThePassword() throws Exception {
    ReplyException e = openFails("wrong");
    assertEquals(UpstreamFailure.BACKEND_AUTH_FAILED.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("'wrong'"), e.getMessage());
    assertFalse(e.getMessage().contains(WRONG_PASSWORD), e.getMessage());
  }

  @Test
  void closedPortIsUnreachable() throws Exception {
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), openFails("down").failureCode());
  }

  @Test
  void unknownTargetIsRefused() throws Exception {
    assertEquals(UpstreamFailure.UNKNOWN_TARGET.ordinal(), openFails("nope").failureCode());
  }

  @Test
  void privilegedBackendsAreRefusedUnlessAllowed() throws Exception {
    ReplyException superuser = openFails("super");
    assertEquals(UpstreamFailure.PRIVILEGED_BACKEND.ordinal(), superuser.failureCode());
    assertFalse(superuser.getMessage().contains(pg.password(LocalPostgres.SUPER_ROLE).reveal()));
    assertEquals(UpstreamFailure.PRIVILEGED_BACKEND.ordinal(), openFails("inherits").failureCode());
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open("super-allowed", client, Map.of());
      assertEquals(List.of(List.of("on")), query(client, opened, "SHOW is_superuser"));
      client.end(opened.toUpstreamAddress());
    }
  }

  @Test
  void relaysASimpleQueryWithPinnedSettings() throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open("scram", client,
          Map.of("application_name", "agent-7", "options", "-c search_path=evil", "role", "x"));
      client.send(opened.toUpstreamAddress(), FrontendMessages.query(
          "SELECT 42 AS answer, current_setting('search_path') AS sp, current_setting('application_name')"));
      assertEquals('Z', client.nextCompletion().type());
      List<Character> types = client.messages.stream().map(m -> (char) m.type()).toList();
      assertEquals(List.of('T', 'D', 'C', 'Z'), types);
      assertEquals(List.of("42", "\"$user\", public", "agent-7"), dataRow(client.messages.get(1).body()));
      assertEquals("answer", BackendMessage.cString(client.messages.get(0).body(), 2));
      assertEquals("SELECT 1", BackendMessage.cString(client.messages.get(2).body(), 0));
      assertEquals("I", client.messages.get(3).body().toString());
      client.end(opened.toUpstreamAddress());
    }
  }

  @Test
  void largeResultWithSlowClientPausesTheBackend() throws Exception {
    long pausesBefore = verticle.counters().backendReadPauses();
    try (TerminationSide client = new TerminationSide(vertx, false, 1)) {
      UpstreamOpened opened = open("scram", client, Map.of());
      client.send(opened.toUpstreamAddress(),
          FrontendMessages.query("SELECT repeat('x', 1000) FROM generate_series(1, 50000)"));
      assertEquals('Z', client.nextCompletion().type());
      assertEquals(50_000, client.dataRows.get());
      assertTrue(client.bytes.get() > 50_000_000L, "bytes " + client.bytes.get());
      assertTrue(client.maxUnacknowledged.get() <= FrameHeaders.MAX_IN_FLIGHT,
          "unacknowledged batches " + client.maxUnacknowledged.get());
      assertTrue(verticle.counters().backendReadPauses() > pausesBefore, "backend socket never paused");
      client.end(opened.toUpstreamAddress());
    }
  }

  @Test
  void cancelStopsARunningQuery() throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open("scram", client, Map.of());
      client.send(opened.toUpstreamAddress(), FrontendMessages.query("SELECT pg_sleep(30)"));
      awaitActivity(opened.processId(), "active");
      long start = System.nanoTime();
      vertx.eventBus().send(Addresses.FORWARD_PG_CANCEL,
          new UpstreamCancel("scram", opened.processId(), opened.secretKey()));
      BackendMessage error = client.nextCompletion();
      assertEquals('E', error.type());
      assertEquals("57014", error.fields().get('C'));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "cancel was not prompt");
      assertEquals('Z', client.nextCompletion().type());
      client.end(opened.toUpstreamAddress());
    }
  }

  @Test
  void endClosesTheBackendSession() throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open("scram", client, Map.of());
      awaitActivity(opened.processId(), "idle");
      client.end(opened.toUpstreamAddress());
      awaitActivity(opened.processId(), null);
    }
  }

  @Test
  void backendTerminationEndsTheClientSide() throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open("scram", client, Map.of());
      try (Connection admin = pg.adminConnection();
           PreparedStatement s = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
        s.setInt(1, opened.processId());
        s.execute();
      }
      assertTrue(client.ended.get(10, TimeUnit.SECONDS).contains("backend"));
    }
  }

  /** Polls pg_stat_activity (bounded) until the backend's state is {@code state}, or gone when null. */
  private static void awaitActivity(int pid, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Connection admin = pg.adminConnection();
         PreparedStatement s = admin.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
      s.setInt(1, pid);
      while (true) {
        try (ResultSet rs = s.executeQuery()) {
          String current = rs.next() ? rs.getString(1) : null;
          if (state == null ? current == null : state.equals(current)) {
            return;
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError("backend " + pid + " is '" + current + "', expected '" + state + "'");
          }
        }
        Thread.sleep(20);
      }
    }
  }
}
