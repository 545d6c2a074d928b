package dev.portcullis.masking;

import dev.portcullis.config.TargetConfig;
import dev.portcullis.config.TargetConfig.UpstreamTls;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A {@link ColumnCatalog} that asks the target database itself, over a small pool of its own (the Vert.x PG client,
 * the gateway's target credential, the same TLS settings as the forwarded sessions).
 *
 * <p>One query per batch of misses names every column and, for views and materialized views, the columns they are
 * built from: a view column also carries every column of the same name that the view's {@code _RETURN} rule depends
 * on, through views of views up to {@link Options#maxViewDepth()} levels (intermediate views included, so a rule on
 * a view also covers views of it). Limit: a view column that renames a base column ({@code SELECT email AS contact})
 * or computes from it ({@code lower(email)}) is not linked to it; only name patterns and content classifiers cover
 * such columns. Conversely a same-named column the view only filters or joins on is linked too (masking more, never
 * less).
 *
 * <p>Only what the catalog reports is cached: a ref it does not know (dropped, or created in the agent's still-open
 * transaction, which this separate connection cannot see) is looked up again next time.
 */
public final class PgColumnCatalog implements ColumnCatalog {
  /**
   * @param maxEntries    cached columns at most (least recently used dropped first)
   * @param ttl           how long a cached name is trusted without DDL having called {@link #invalidate()}
   * @param idleTimeout   a pooled metadata connection unused this long is closed
   * @param lookupTimeout one lookup (pool wait, connect, TLS, authentication, query) must finish within this
   * @param maxViewDepth  how many levels of views of views are followed to their base columns
   */
  public record Options(int maxEntries, Duration ttl, Duration idleTimeout, Duration lookupTimeout,
                        int maxViewDepth) {
    public Options {
      if (maxEntries < 1 || maxViewDepth < 0) {
        throw new IllegalArgumentException("maxEntries must be positive and maxViewDepth not negative");
      }
      for (Duration d : List.of(ttl, idleTimeout, lookupTimeout)) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("catalog durations must be positive");
        }
      }
    }

    public static Options defaults() {
      return new Options(10_000, Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(10), 8);
    }

    public Options withTtl(Duration value) {
      return new Options(maxEntries, value, idleTimeout, lookupTimeout, maxViewDepth);
    }

    public Options withMaxEntries(int value) {
      return new Options(value, ttl, idleTimeout, lookupTimeout, maxViewDepth);
    }

    public Options withLookupTimeout(Duration value) {
      return new Options(maxEntries, ttl, idleTimeout, value, maxViewDepth);
    }
  }

  /** A lookup that could not be done; the message names the target and the kind of failure, never a credential. */
  public static final class LookupFailedException extends RuntimeException {
    LookupFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // Pairs are matched exactly by unnesting both arrays together. OIDs travel as int8 because they are unsigned.
  // origin walks from each view column to the same-named columns its _RETURN rule depends on, level by level.
  private static final String LOOKUP = """
      WITH RECURSIVE found AS (
        SELECT q.rel, q.att, n.nspname::text AS nspname, c.relname::text AS relname, a.attname::text AS attname,
               c.relkind::text AS relkind
        FROM unnest($1::int8[], $2::int2[]) AS q(rel, att)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = q.rel::oid AND a.attnum = q.att AND NOT a.attisdropped
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      ), origin(rel, att, relid, attname, depth) AS (
        SELECT f.rel, f.att, f.rel::oid, f.attname, 0 FROM found f WHERE f.relkind IN ('v', 'm')
        UNION
        SELECT o.rel, o.att, d.refobjid, ra.attname::text, o.depth + 1
        FROM origin o
        JOIN pg_catalog.pg_rewrite r ON r.ev_class = o.relid AND r.rulename = '_RETURN'
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
             AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjsubid > 0 AND d.refobjid <> o.relid
        JOIN pg_catalog.pg_attribute ra ON ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid
             AND NOT ra.attisdropped AND ra.attname::text = o.attname
        WHERE o.depth < $3
      )
      SELECT f.rel, f.att, f.nspname, f.relname, f.attname,
             ARRAY(SELECT DISTINCT bn.nspname || '.' || bc.relname || '.' || o.attname
                   FROM origin o
                   JOIN pg_catalog.pg_class bc ON bc.oid = o.relid
                   JOIN pg_catalog.pg_namespace bn ON bn.oid = bc.relnamespace
                   WHERE o.rel = f.rel AND o.att = f.att AND o.depth > 0
                   ORDER BY 1) AS bases
      FROM found f""";

  private record Entry(ColumnOrigin origin, long expiresAt) {}

  private final Pool pool;
  private final String targetName;
  private final String password;
  private final Options options;
  private final LongSupplier nanoClock;
  private final AtomicLong lookups = new AtomicLong();

  // Sessions on any event loop call resolve(): the maps are guarded by `lock`, held only for map operations.
  private final Object lock = new Object();
  private final LinkedHashMap<ColumnRef, Entry> cache;
  private final Map<ColumnRef, Future<Map<ColumnRef, ColumnOrigin>>> pending = new HashMap<>();
  private long generation;
  private boolean closed;

  public PgColumnCatalog(Vertx vertx, TargetConfig target, Options options) {
    this(vertx, target, options, System::nanoTime);
  }

  PgColumnCatalog(Vertx vertx, TargetConfig target, Options options, LongSupplier nanoClock) {
    this.options = Objects.requireNonNull(options, "options");
    this.targetName = target.name();
    this.password = target.password() == null ? null : target.password().reveal();
    this.nanoClock = nanoClock;
    this.cache = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ColumnRef, Entry> eldest) {
        return size() > options.maxEntries();
      }
    };
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, options.lookupTimeout().toMillis());
    this.pool = PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(2)
            .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis()))
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setConnectionTimeout(timeoutMillis)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
            .setName("portcullis-catalog-" + target.name()))
        .with(new NetClientOptions().setConnectTimeout(timeoutMillis))
        .connectingTo(connectOptions(target))
        .using(vertx)
        .build();
  }

  private static PgConnectOptions connectOptions(TargetConfig target) {
    Map<String, String> properties = new HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES);
    properties.put("application_name", "portcullis-catalog");
    // Operators, functions and types resolve through search_path even when tables are qualified: a role default
    // (or an agent's CREATE on a schema in it) must not be able to answer the lookup with its own `=`.
    properties.put("search_path", "pg_catalog, pg_temp");
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(target.host())
        .setPort(target.port())
        .setDatabase(target.database())
        .setUser(target.username())
        .setCachePreparedStatements(true)
        .setProperties(properties);
    if (target.password() != null) {
      connect.setPassword(target.password().reveal());
    }
    UpstreamTls tls = target.tls() == null ? UpstreamTls.disabled() : target.tls();
    connect.setSslMode(switch (tls.mode()) {
      case DISABLE -> SslMode.DISABLE;
      case REQUIRE -> SslMode.REQUIRE;
      case VERIFY_FULL -> SslMode.VERIFY_FULL;
    });
    if (tls.mode() == UpstreamTls.Mode.REQUIRE) {
      // as the forwarder: encrypted, the server not verified (libpq's sslmode=require)
      connect.setSslOptions(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm(""));
    } else if (tls.mode() == UpstreamTls.Mode.VERIFY_FULL) {
      connect.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS")
          .setTrustOptions(tls.caFile() != null
              ? new PemTrustOptions().addCertPath(tls.caFile().toString()) : jvmTrustStore()));
    }
    return connect;
  }

  // The forwarder trusts the JVM's store when no caFile is given; the PG client insists on explicit trust options.
  private static TrustOptions jvmTrustStore() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return TrustOptions.wrap(factory);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JVM's trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public Future<Map<ColumnRef, ColumnOrigin>> resolve(Set<ColumnRef> refs) {
    Map<ColumnRef, ColumnOrigin> known = new HashMap<>();
    Map<ColumnRef, Future<Map<ColumnRef, ColumnOrigin>>> awaited = new HashMap<>();
    List<ColumnRef> misses = new ArrayList<>();
    Promise<Map<ColumnRef, ColumnOrigin>> batch = null;
    long batchGeneration;
    synchronized (lock) {
      if (closed) {
        return Future.failedFuture(new LookupFailedException(prefix() + "the column catalog is closed", null));
      }
      long now = nanoClock.getAsLong();
      for (ColumnRef ref : refs) {
        if (ref.tableOid() == 0 || ref.attnum() == 0) {
          continue; // not a table column: nothing to look up
        }
        Entry entry = cache.get(ref);
        if (entry != null && entry.expiresAt() - now > 0) {
          known.put(ref, entry.origin());
          continue;
        }
        if (entry != null) {
          cache.remove(ref);
        }
        Future<Map<ColumnRef, ColumnOrigin>> running = pending.get(ref);
        if (running != null) {
          awaited.put(ref, running);
        } else {
          misses.add(ref);
        }
      }
      batchGeneration = generation;
      if (!misses.isEmpty()) {
        batch = Promise.promise();
        for (ColumnRef ref : misses) {
          pending.put(ref, batch.future());
          awaited.put(ref, batch.future());
        }
      }
    }
    if (batch != null) {
      Promise<Map<ColumnRef, ColumnOrigin>> mine = batch;
      Future<Map<ColumnRef, ColumnOrigin>> answer;
      try {
        answer = lookup(misses);
      } catch (RuntimeException e) { // never leave the pending entries without an answer
        answer = Future.failedFuture(new LookupFailedException(prefix() + describe(e), e));
      }
      answer.onComplete(result -> settle(misses, batchGeneration, result, mine));
    }
    if (awaited.isEmpty()) {
      return Future.succeededFuture(known);
    }
    Context caller = Vertx.currentContext();
    Set<Future<Map<ColumnRef, ColumnOrigin>>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(awaited.values());
    Future<Map<ColumnRef, ColumnOrigin>> all = Future.all(new ArrayList<>(distinct)).map(done -> {
      awaited.forEach((ref, lookup) -> {
        ColumnOrigin origin = lookup.result().get(ref);
        if (origin != null) {
          known.put(ref, origin);
        }
      });
      return known;
    });
    return onContext(all, caller);
  }

  // A lookup started by a session on another event loop completes there; the caller continues on its own context.
  private static <T> Future<T> onContext(Future<T> future, Context caller) {
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> {
      if (Vertx.currentContext() == caller) {
        promise.handle(result);
      } else {
        caller.runOnContext(v -> promise.handle(result));
      }
    });
    return promise.future();
  }

  private void settle(List<ColumnRef> misses, long batchGeneration,
                      AsyncResult<Map<ColumnRef, ColumnOrigin>> result, Promise<Map<ColumnRef, ColumnOrigin>> batch) {
    synchronized (lock) {
      for (ColumnRef ref : misses) {
        pending.remove(ref, batch.future());
      }
      // names read before an invalidate() may predate the DDL that caused it: answer with them, do not keep them
      if (result.succeeded() && batchGeneration == generation && !closed) {
        long expiresAt = nanoClock.getAsLong() + options.ttl().toNanos();
        result.result().forEach((ref, origin) -> cache.put(ref, new Entry(origin, expiresAt)));
      }
    }
    batch.handle(result);
  }

  private Future<Map<ColumnRef, ColumnOrigin>> lookup(List<ColumnRef> misses) {
    lookups.incrementAndGet();
    Long[] oids = new Long[misses.size()];
    Short[] attnums = new Short[misses.size()];
    for (int i = 0; i < misses.size(); i++) {
      oids[i] = Integer.toUnsignedLong(misses.get(i).tableOid());
      attnums[i] = misses.get(i).attnum();
    }
    Tuple params = Tuple.tuple().addValue(oids).addValue(attnums).addValue(options.maxViewDepth());
    return pool.preparedQuery(LOOKUP).execute(params)
        .timeout(options.lookupTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .map(PgColumnCatalog::origins)
        .recover(e -> Future.failedFuture(new LookupFailedException(prefix() + describe(e), e)));
  }

  private static Map<ColumnRef, ColumnOrigin> origins(RowSet<Row> rows) {
    Map<ColumnRef, ColumnOrigin> origins = new HashMap<>();
    for (Row row : rows) {
      ColumnRef ref = new ColumnRef((int) row.getLong("rel").longValue(), row.getShort("att"));
      String name = row.getString("nspname") + "." + row.getString("relname") + "." + row.getString("attname");
      origins.put(ref, new ColumnOrigin(name, List.of(row.getArrayOfStrings("bases"))));
    }
    return origins;
  }

  private String prefix() {
    return "cannot name the result columns from the catalog of target '" + targetName + "': ";
  }

  // The kind of failure in words; the password is scrubbed in case some layer ever echoes it.
  private String describe(Throwable e) {
    String text = describeCause(e);
    return password == null || password.isEmpty() ? text : text.replace(password, "***");
  }

  private static String describeCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return "cannot reach the target (connection refused or timed out)";
      }
      if (t instanceof java.net.UnknownHostException) {
        return "cannot reach the target (unknown host)";
      }
      // the PG client reports a failed handshake as a bare VertxException("SSL handshake failed")
      if (t instanceof SSLException || t.getMessage() != null && t.getMessage().startsWith("SSL ")) {
        return "TLS to the target failed (" + t.getMessage() + ")";
      }
      if (t instanceof PgException pg) {
        return "the target answered " + pg.getSqlState() + ": " + pg.getErrorMessage();
      }
      if (t instanceof java.util.concurrent.TimeoutException) {
        return "the target did not answer in time";
      }
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public void invalidate() {
    synchronized (lock) {
      generation++;
      cache.clear();
      pending.clear(); // lookups already running still answer their callers, but nobody new joins them
    }
  }

  @Override
  public Future<Void> close() {
    synchronized (lock) {
      closed = true;
      cache.clear();
    }
    return pool.close();
  }

  /** Lookups sent to the target so far (tests). */
  long lookups() {
    return lookups.get();
  }
}
