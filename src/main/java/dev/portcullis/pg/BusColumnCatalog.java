package dev.portcullis.pg;

import dev.portcullis.forward.CatalogLookup;
import dev.portcullis.forward.CatalogOrigins;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import dev.portcullis.masking.ColumnCatalog;
import dev.portcullis.masking.ColumnOrigin;
import dev.portcullis.masking.ColumnRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One session's view of its target's column catalog: asks the forwarding side over the bus
 * ({@link Addresses#FORWARD_PG_CATALOG}) and remembers the answers for {@link #TTL_NANOS}, so a session that runs
 * the same query again masks its results without a round trip. DDL run through the gateway, in any session, is
 * published on {@link Addresses#FORWARD_PG_CATALOG_INVALIDATE}, and every session listening forgets its names at
 * once: a column renamed to a masked name must not keep its old, unmasked name here. Used on the session's event
 * loop only; {@link #close} when the session ends.
 */
final class BusColumnCatalog implements ColumnCatalog {
  static final long TTL_NANOS = 60_000_000_000L;
  private static final long LOOKUP_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final String target;
  private final Map<ColumnRef, ColumnOrigin> known = new HashMap<>();
  private long knownSince = System.nanoTime();
  private MessageConsumer<String> invalidations;

  BusColumnCatalog(Vertx vertx, String target) {
    this.vertx = vertx;
    this.target = target;
  }

  @Override
  public Future<Map<ColumnRef, ColumnOrigin>> resolve(Set<ColumnRef> refs) {
    if (invalidations == null) { // only sessions that mask listen: the others never ask
      invalidations = vertx.eventBus().<String>localConsumer(Addresses.FORWARD_PG_CATALOG_INVALIDATE, m -> {
        if (target.equals(m.body())) {
          known.clear();
        }
      });
    }
    if (System.nanoTime() - knownSince > TTL_NANOS) {
      known.clear();
      knownSince = System.nanoTime();
    }
    Set<ColumnRef> missing = new HashSet<>();
    for (ColumnRef ref : refs) {
      if (!known.containsKey(ref)) {
        missing.add(ref);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(known); // complete already: the caller goes on without pausing the stream
    }
    return vertx.eventBus()
        .<CatalogOrigins>request(LoopAffinity.address(vertx, Addresses.FORWARD_PG_CATALOG),
            new CatalogLookup(target, missing), new DeliveryOptions().setSendTimeout(LOOKUP_TIMEOUT_MS))
        .map(reply -> {
          known.putAll(reply.body().origins());
          return known;
        });
  }

  /** DDL ran in this session: forget the names here and on the forwarding side. */
  @Override
  public void invalidate() {
    known.clear();
    vertx.eventBus().publish(Addresses.FORWARD_PG_CATALOG_INVALIDATE, target);
  }

  @Override
  public Future<Void> close() {
    known.clear();
    return invalidations == null ? Future.succeededFuture() : invalidations.unregister();
  }
}
