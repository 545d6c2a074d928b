package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.TargetConfig;
import dev.portcullis.config.TargetConfig.UpstreamTls;
import dev.portcullis.config.TargetConfig.UpstreamTls.Mode;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.Codecs;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.net.NetServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS to the target: require, verify-full (chain and host name), and servers that refuse or misbehave. */
class UpstreamTlsTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    LocalPostgres pg = LocalPostgres.get();
    Path ca = pg.enableTls();
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    int refusing = fakeServer(Buffer.buffer("N"));
    int stuffing = fakeServer(Buffer.buffer("S").appendBuffer(FrontendMessages.typed('R', Buffer.buffer().appendInt(0))));
    Map<String, TargetConfig> targets = new HashMap<>();
    targets.put("require", withTls(pg, "127.0.0.1", pg.port(), new UpstreamTls(Mode.REQUIRE, null)));
    targets.put("verified", withTls(pg, "localhost", pg.port(), new UpstreamTls(Mode.VERIFY_FULL, ca)));
    targets.put("wrong-host", withTls(pg, "127.0.0.1", pg.port(), new UpstreamTls(Mode.VERIFY_FULL, ca)));
    targets.put("untrusted", withTls(pg, "localhost", pg.port(), new UpstreamTls(Mode.VERIFY_FULL, null)));
    targets.put("refusing", withTls(pg, "127.0.0.1", refusing, new UpstreamTls(Mode.REQUIRE, null)));
    targets.put("stuffing", withTls(pg, "127.0.0.1", stuffing, new UpstreamTls(Mode.REQUIRE, null)));
    vertx.deployVerticle(new PgForwardingVerticle(targets))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static TargetConfig withTls(LocalPostgres pg, String host, int port, UpstreamTls tls) {
    TargetConfig app = pg.target("x");
    return new TargetConfig("x", "postgres", host, port, app.database(), app.username(), app.password(), tls, false);
  }

  /** A server that answers the SSLRequest with fixed bytes. */
  private static int fakeServer(Buffer answer) throws Exception {
    NetServer server = vertx.createNetServer()
        .connectHandler(socket -> socket.handler(bytes -> socket.write(answer.copy())));
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)
        .actualPort();
  }

  private static UpstreamOpened open(String target, TerminationSide client) throws Exception {
    UpstreamOpen request = new UpstreamOpen(UUID.randomUUID().toString(), target, Map.of(), client.address);
    return vertx.eventBus().<UpstreamOpened>request(Addresses.FORWARD_PG_OPEN, request,
            new DeliveryOptions().setSendTimeout(20_000))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();
  }

  private static ReplyException openFails(String target) throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      open(target, client);
      throw new AssertionError("open of " + target + " succeeded");
    } catch (ExecutionException e) {
      return assertInstanceOf(ReplyException.class, e.getCause());
    }
  }

  private static void assertSessionUsesTls(String target) throws Exception {
    try (TerminationSide client = new TerminationSide(vertx, true, 0)) {
      UpstreamOpened opened = open(target, client);
      client.send(opened.toUpstreamAddress(),
          FrontendMessages.query("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
      assertEquals('Z', client.nextCompletion().type());
      BackendMessage row = client.messages.stream().filter(m -> m.type() == BackendMessage.DATA_ROW)
          .findFirst().orElseThrow();
      assertEquals("true", row.body().getString(6, row.body().length()));
      client.end(opened.toUpstreamAddress());
    }
  }

  @Test
  void requireEncryptsWithoutVerifying() throws Exception {
    assertSessionUsesTls("require");
  }

  @Test
  void verifyFullAcceptsTheRightHostSignedByTheCa() throws Exception {
    assertSessionUsesTls("verified");
  }

  @Test
  void verifyFullRefusesAHostNameMismatch() throws Exception {
    ReplyException e = openFails("wrong-host");
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("TLS to the target failed"), e.getMessage());
  }

  @Test
  void verifyFullRefusesAnUntrustedChain() throws Exception {
    ReplyException e = openFails("untrusted");
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("TLS to the target failed"), e.getMessage());
  }

  @Test
  void serverWithoutTlsIsRefused() throws Exception {
    ReplyException e = openFails("refusing");
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("does not offer TLS"), e.getMessage());
  }

  @Test
  void plaintextAfterTheTlsAnswerIsRefused() throws Exception {
    ReplyException e = openFails("stuffing");
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("unencrypted data"), e.getMessage());
  }
}
