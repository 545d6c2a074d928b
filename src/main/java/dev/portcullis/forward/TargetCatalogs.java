package dev.portcullis.forward;

import dev.portcullis.config.TargetConfig;
import dev.portcullis.masking.ColumnCatalog;
import dev.portcullis.masking.ColumnOrigin;
import dev.portcullis.masking.ColumnRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One {@link ColumnCatalog} per target, opened on first use with the gateway's own credential and shared by every
 * forwarding instance (one small metadata pool per target, not one per event loop). The catalog lives on the
 * forwarding side because that side holds the targets' credentials; the termination side only asks over the bus.
 */
public final class TargetCatalogs {
  private final Vertx vertx;
  private final Function<String, TargetConfig> targets;
  private final BiFunction<Vertx, TargetConfig, ColumnCatalog> open;
  private final Map<String, ColumnCatalog> catalogs = new ConcurrentHashMap<>();

  /** @param open makes the catalog of one target, e.g. {@code PgColumnCatalog::new} with default options */
  public TargetCatalogs(Vertx vertx, Function<String, TargetConfig> targets,
      BiFunction<Vertx, TargetConfig, ColumnCatalog> open) {
    this.vertx = vertx;
    this.targets = targets;
    this.open = open;
  }

  /** Opens the catalogs of {@code names} now (no connection is made until the first lookup). */
  public void open(java.util.Collection<String> names) {
    for (String name : names) {
      TargetConfig config = targets.apply(name);
      if (config != null) {
        catalogs.computeIfAbsent(name, n -> open.apply(vertx, config));
      }
    }
  }

  public Future<Map<ColumnRef, ColumnOrigin>> resolve(String target, Set<ColumnRef> refs) {
    TargetConfig config = targets.apply(target);
    if (config == null) {
      return Future.failedFuture(new IllegalArgumentException("unknown target '" + target + "'"));
    }
    return catalogs.computeIfAbsent(target, name -> open.apply(vertx, config)).resolve(refs);
  }

  /** After DDL on the target: names may have changed. */
  public void invalidate(String target) {
    ColumnCatalog catalog = catalogs.get(target);
    if (catalog != null) {
      catalog.invalidate();
    }
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    catalogs.values().forEach(c -> closing.add(c.close()));
    catalogs.clear();
    return Future.join(closing).mapEmpty();
  }
}
