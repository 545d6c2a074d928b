package dev.portcullis.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.Codecs;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Targets that accept TCP and then stall or talk nonsense: the open fails closed, within the handshake timeout. */
class UnresponsiveTargetTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    Codecs.register(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ReplyException openAgainst(Buffer answer) throws Exception {
    int port = vertx.createNetServer()
        .connectHandler(socket -> socket.handler(bytes -> {
          if (answer != null) {
            socket.write(answer.copy());
          }
        }))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
    TargetConfig target = new TargetConfig("t", "postgres", "127.0.0.1", port, "db", "gw", new Secret("pw-1"),
        TargetConfig.UpstreamTls.disabled(), false);
    ForwarderOptions options =
        new ForwarderOptions(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5));
    vertx.deployVerticle(new PgForwardingVerticle(Map.of("t", target)::get, options, new RelayCounters()))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    ExecutionException e = assertThrows(ExecutionException.class, () -> vertx.eventBus()
        .request(Addresses.FORWARD_PG_OPEN, new UpstreamOpen(UUID.randomUUID().toString(), "t", Map.of(), "nowhere"))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, e.getCause());
  }

  @Test
  void silentTargetTimesOut() throws Exception {
    ReplyException e = openAgainst(null);
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
    assertTrue(e.getMessage().contains("in time"), e.getMessage());
  }

  @Test
  void garbageIsRefused() throws Exception {
    ReplyException e = openAgainst(Buffer.buffer("HTTP/1.1 400 Bad Request\r\n\r\n"));
    assertEquals(UpstreamFailure.OTHER.ordinal(), e.failureCode());
  }

  @Test
  void authenticationOkFromAnImpostorWithoutReadyIsNotEnough() throws Exception {
    // AuthenticationOk then nothing: never reaches ReadyForQuery, so the open times out instead of succeeding.
    ReplyException e = openAgainst(FrontendMessages.typed('R', Buffer.buffer().appendInt(0)));
    assertEquals(UpstreamFailure.UNREACHABLE.ordinal(), e.failureCode());
  }
}
