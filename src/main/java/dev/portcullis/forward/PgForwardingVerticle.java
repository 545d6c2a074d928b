package dev.portcullis.forward;

import dev.portcullis.config.TargetConfig;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Map;
import java.util.function.Function;
import dev.portcullis.masking.PgColumnCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bus adapter of {@link PgForwarder}: answers {@link Addresses#FORWARD_PG_OPEN} with {@link UpstreamOpened} (or a
 * ReplyException whose failure code is the {@link UpstreamFailure} ordinal and whose message is client-safe) and
 * handles {@link Addresses#FORWARD_PG_CANCEL}. Needs {@code Codecs.register(vertx)} first. Several instances may be
 * deployed; each session stays on the instance that opened it.
 *
 * <pre>{@code
 * Codecs.register(vertx);
 * vertx.deployVerticle(new PgForwardingVerticle(targetsByName));            // one instance
 * RelayCounters counters = new RelayCounters();                            // or N instances sharing counters
 * vertx.deployVerticle(() -> new PgForwardingVerticle(targetsByName::get, ForwarderOptions.defaults(), counters),
 *     new DeploymentOptions().setInstances(2));
 * }</pre>
 * The open request's send timeout should exceed {@code connectTimeout + handshakeTimeout} (20 s by default): a
 * reply that arrives after the requester gave up leaves a backend session nobody ends.
 */
public final class PgForwardingVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PgForwardingVerticle.class);

  private final Function<String, TargetConfig> targets;
  private final ForwarderOptions options;
  private final RelayCounters counters;
  private final TargetCatalogs shared;
  private TargetCatalogs catalog;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private PgForwarder forwarder;

  public PgForwardingVerticle(Map<String, TargetConfig> targets) {
    this(Map.copyOf(targets)::get, ForwarderOptions.defaults(), new RelayCounters());
  }

  /** @param counters shared by the instances when the same object is passed to each */
  public PgForwardingVerticle(Function<String, TargetConfig> targets, ForwarderOptions options,
      RelayCounters counters) {
    this(targets, options, counters, null);
  }

  /**
   * @param catalogs the column catalogs this instance answers {@link Addresses#FORWARD_PG_CATALOG} from, shared
   *                 by the instances and closed by whoever made it; {@code null}: this instance opens its own
   *                 and closes them when it stops
   */
  public PgForwardingVerticle(Function<String, TargetConfig> targets, ForwarderOptions options,
      RelayCounters counters, TargetCatalogs catalogs) {
    this.targets = targets;
    this.options = options;
    this.counters = counters;
    this.shared = catalogs;
  }

  public RelayCounters counters() {
    return counters;
  }

  @Override
  public Future<?> start() {
    forwarder = new PgForwarder(vertx, targets, options, counters);
    catalog = shared != null ? shared
        : new TargetCatalogs(vertx, targets, (v, t) -> new PgColumnCatalog(v, t, PgColumnCatalog.Options.defaults()));
    // Loop-local too: the instance that opens a session owns its upstream socket, so a session opened by the
    // client's own event loop relays its frames without crossing threads (see LoopAffinity).
    return Future.all(
        LoopAffinity.<UpstreamOpen>consumer(vertx, Addresses.FORWARD_PG_OPEN, this::open, consumers),
        LoopAffinity.<UpstreamCancel>consumer(vertx, Addresses.FORWARD_PG_CANCEL, this::cancel, consumers),
        LoopAffinity.<CatalogLookup>consumer(vertx, Addresses.FORWARD_PG_CATALOG, this::lookup, consumers),
        LoopAffinity.<String>consumer(vertx, Addresses.FORWARD_PG_CATALOG_INVALIDATE,
            m -> catalog.invalidate(m.body()), consumers));
  }

  @Override
  public Future<?> stop() {
    return LoopAffinity.unregister(consumers)
        .eventually(() -> shared == null ? catalog.close() : Future.succeededFuture())
        .eventually(() -> forwarder.close());
  }

  private void open(Message<UpstreamOpen> message) {
    forwarder.open(message.body()).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof UpstreamException e) {
        message.fail(e.failure().ordinal(), e.getMessage());
      } else {
        message.fail(UpstreamFailure.OTHER.ordinal(), "portcullis: the target session could not be opened");
      }
    });
  }

  private void lookup(Message<CatalogLookup> message) {
    CatalogLookup lookup = message.body();
    catalog.resolve(lookup.target(), lookup.refs()).onComplete(result -> {
      if (result.succeeded()) {
        message.reply(new CatalogOrigins(result.result()));
      } else {
        // The termination side refuses the result (fail closed); the reason it logs must carry no credential.
        LOG.warn("column catalog of target '{}' failed: {}", lookup.target(), result.cause().getMessage());
        message.fail(1, "portcullis: the column catalog of the target is unavailable");
      }
    });
  }

  private void cancel(Message<UpstreamCancel> message) {
    forwarder.cancel(message.body()).onFailure(e -> LOG.warn("cancel on target '{}' failed: {}",
        message.body().target(), e.getMessage()));
  }
}
