package dev.portcullis.forward;

import dev.portcullis.config.TargetConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens authenticated backend sessions for termination and relays their bytes; issues CancelRequests. One per
 * forwarding verticle instance, used from that instance's event loop only.
 */
public final class PgForwarder {
  private static final Logger LOG = LoggerFactory.getLogger(PgForwarder.class);
  /** Prefix of the per-session addresses on which client batches arrive. */
  public static final String SESSION_ADDRESS_PREFIX = "portcullis.forward.pg.session.";

  private final Vertx vertx;
  private final Function<String, TargetConfig> targets;
  private final ForwarderOptions options;
  private final RelayCounters counters;
  private final NetClient client;
  private final WorkerExecutor crypto;
  private final UpstreamConnector connector;
  private final Set<SessionRelay> relays = new HashSet<>();

  /**
   * @param targets looks a target up by name; {@code null} for an unknown name (only {@code type: postgres} ones
   *                are used)
   */
  public PgForwarder(Vertx vertx, Function<String, TargetConfig> targets, ForwarderOptions options,
      RelayCounters counters) {
    this.vertx = vertx;
    this.targets = targets;
    this.options = options;
    this.counters = counters;
    this.client = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout((int) options.connectTimeout().toMillis())
        .setTcpNoDelay(true));
    this.crypto = vertx.createSharedWorkerExecutor("portcullis-forward-crypto", 2);
    this.connector = new UpstreamConnector(vertx, client, crypto, options);
  }

  /** Fails with {@link UpstreamException}; its message is safe for the client. */
  public Future<UpstreamOpened> open(UpstreamOpen request) {
    TargetConfig target = postgresTarget(request.target());
    if (target == null) {
      return Future.failedFuture(new UpstreamException(UpstreamFailure.UNKNOWN_TARGET,
          "portcullis: unknown target '" + request.target() + "'"));
    }
    return connector.open(target, request.clientParameters())
        .compose(session -> {
          String address = SESSION_ADDRESS_PREFIX + request.sessionId() + "." + UUID.randomUUID();
          SessionRelay relay = new SessionRelay(vertx, session.socket(), request.toClientAddress(), address,
              counters, options.ackTimeout().toMillis(), relays::remove);
          relays.add(relay);
          return relay.start(session.unread()).map(v -> new UpstreamOpened(
              address, session.parameterStatus(), session.processId(), session.secretKey()));
        })
        .recover(e -> {
          UpstreamException failure = e instanceof UpstreamException u ? u
              : new UpstreamException(UpstreamFailure.OTHER, "the session could not be started");
          LOG.warn("session {}: cannot open target '{}': {}", request.sessionId(), target.name(),
              failure.getMessage());
          return Future.failedFuture(new UpstreamException(failure.failure(),
              "portcullis: cannot open target '" + target.name() + "': " + failure.getMessage()));
        });
  }

  /** Sends a CancelRequest with the backend's key; completes once it is written. */
  public Future<Void> cancel(UpstreamCancel cancel) {
    TargetConfig target = postgresTarget(cancel.target());
    if (target == null) {
      return Future.failedFuture(new UpstreamException(UpstreamFailure.UNKNOWN_TARGET,
          "portcullis: unknown target '" + cancel.target() + "'"));
    }
    return connector.connect(target).compose(socket -> socket
        .write(FrontendMessages.cancelRequest(cancel.processId(), cancel.secretKey()))
        .eventually(socket::end));
  }

  /** Ends every session and releases the client and the worker pool. */
  public Future<Void> close() {
    for (SessionRelay relay : List.copyOf(relays)) {
      relay.close("the gateway is stopping", true);
    }
    return Future.join(client.close(), crypto.close()).mapEmpty();
  }

  private TargetConfig postgresTarget(String name) {
    TargetConfig target = name == null ? null : targets.apply(name);
    return target != null && "postgres".equals(target.type()) ? target : null;
  }
}
