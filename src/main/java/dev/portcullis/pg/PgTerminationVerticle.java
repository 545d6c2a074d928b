package dev.portcullis.pg;

import dev.portcullis.masking.HashKey;

import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.SessionGate;
import dev.portcullis.identity.TokenValidator;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Terminates PostgreSQL client connections ({@code listen.postgres}): TLS, startup, token authentication, and the
 * judged relay of every statement. A thin adapter: each connection is a {@link PgFrontendSession}.
 *
 * <p>Deploy several instances on the same port with {@link #instances}: Vert.x spreads connections over them, and
 * they share the connection limit and the cancel keys.
 * <pre>
 * vertx.deployVerticle(PgTerminationVerticle.instances(listenConfig, gatewayId, tokenValidator, eventPublisher),
 *     new DeploymentOptions().setInstances(n));
 * </pre>
 */
public final class PgTerminationVerticle extends VerticleBase {
  private final PgListenerContext ctx;
  private NetServer server;

  /** One instance; instances sharing a port should share one {@code connections} counter. */
  public PgTerminationVerticle(PostgresListenConfig config, String gatewayId, TokenValidator tokens,
      EventPublisher events, AtomicInteger connections) {
    this(config, gatewayId, tokens, events, SessionGate.OPEN, connections);
  }

  /** @param gate asked before each new session: refuses sessions while audit events cannot be delivered */
  public PgTerminationVerticle(PostgresListenConfig config, String gatewayId, TokenValidator tokens,
      EventPublisher events, SessionGate gate, AtomicInteger connections) {
    this(config, gatewayId, tokens, events, gate, connections, HashKey.generate());
  }

  /** @param maskingKey the {@code hash} masking key; instances of one gateway share it */
  public PgTerminationVerticle(PostgresListenConfig config, String gatewayId, TokenValidator tokens,
      EventPublisher events, SessionGate gate, AtomicInteger connections, HashKey maskingKey) {
    this.ctx = new PgListenerContext(config, gatewayId, tokens, events, gate, connections, CancelKeys.PROCESS,
        new TlsUpgrade(GatewayCertificate.context(config.tls()), config.startupTimeout().toMillis()), maskingKey);
  }

  /** A supplier for {@code deployVerticle(supplier, options.setInstances(n))}: all instances share one limit. */
  public static Supplier<Deployable> instances(PostgresListenConfig config, String gatewayId,
      TokenValidator tokens, EventPublisher events) {
    return instances(config, gatewayId, tokens, events, SessionGate.OPEN);
  }

  /** Like {@link #instances(PostgresListenConfig, String, TokenValidator, EventPublisher)}, with a session gate. */
  public static Supplier<Deployable> instances(PostgresListenConfig config, String gatewayId,
      TokenValidator tokens, EventPublisher events, SessionGate gate) {
    return instances(config, gatewayId, tokens, events, gate, HashKey.generate());
  }

  /** Like the others, with the gateway's {@code hash} masking key. */
  public static Supplier<Deployable> instances(PostgresListenConfig config, String gatewayId,
      TokenValidator tokens, EventPublisher events, SessionGate gate, HashKey maskingKey) {
    AtomicInteger connections = new AtomicInteger();
    return () -> new PgTerminationVerticle(config, gatewayId, tokens, events, gate, connections, maskingKey);
  }

  @Override
  public Future<?> start() {
    PostgresListenConfig config = ctx.config();
    NetServerOptions options = new NetServerOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setTcpNoDelay(true)
        .setSsl(false); // TLS starts after the SSLRequest, per connection (TlsUpgrade)
    server = vertx.createNetServer(options).connectHandler(this::accept);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The bound port (useful with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void accept(NetSocket socket) {
    if (ctx.connections().incrementAndGet() > ctx.config().maxConnections()) {
      ctx.connections().decrementAndGet();
      PgFrontendSession.refuseOverLimit(socket);
      return;
    }
    new PgFrontendSession(vertx, socket, ctx).start();
  }
}
