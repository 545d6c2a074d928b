package dev.portcullis.audit;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL audit store, through the Vert.x PG client. Writes are idempotent ({@code ON CONFLICT DO NOTHING}
 * on the event id and on a dead letter's topic/partition/offset), so records delivered again leave no duplicates.
 *
 * <p>Each event is kept twice: as {@code jsonb} ({@code event}, for queries) and as the line the gateway
 * published ({@code published}), because jsonb reorders keys and drops whitespace; reads return the published
 * line, so search and replay print exactly what the gateway wrote.
 */
public final class AuditStore {
  private static final String INSERT_EVENT = """
      INSERT INTO audit_events (id, time, type, session_id, gateway_id, subject, groups, target, protocol,
        statement_id, decision, rule, policy, fingerprint, text, rows, duration_ms, error, event, published,
        kafka_topic, kafka_partition, kafka_offset)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::text::jsonb, $19::text,
        $20, $21, $22)
      ON CONFLICT (id) DO NOTHING""";
  private static final String INSERT_DEAD_LETTER = """
      INSERT INTO audit_dead_letters (topic, partition, "offset", key, value, error) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (topic, partition, "offset") DO NOTHING""";

  /** What one {@link #write} did: rows new to the store, rows it already had, dead letters written. */
  public record WriteResult(int inserted, int duplicates, int deadLetters) {}

  /** An event read back with the time the store received it (for following a live session). */
  public record StoredEvent(SessionEvent event, Instant storedAt) {}

  private final Pool pool;

  private AuditStore(Pool pool) {
    this.pool = pool;
  }

  public static AuditStore open(Vertx vertx, AuditConfig.Store config) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setDatabase(config.database())
        .setUser(config.username())
        .setSslMode(sslMode(config.tls().mode()));
    if (config.password() != null) {
      connect.setPassword(config.password().reveal());
    }
    if (config.tls().mode() != AuditConfig.StoreTls.Mode.DISABLE) {
      ClientSSLOptions ssl = new ClientSSLOptions();
      if (config.tls().mode() == AuditConfig.StoreTls.Mode.REQUIRE) {
        ssl.setTrustAll(true); // libpq's sslmode=require: encrypted, server not verified
      } else {
        ssl.setHostnameVerificationAlgorithm("HTTPS");
        if (config.tls().ca() != null) {
          ssl.setTrustOptions(new PemTrustOptions().addCertPath(config.tls().ca().toString()));
        }
      }
      connect.setSslOptions(ssl);
    }
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4).setConnectionTimeout(30).setName("portcullis-audit-store"))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new AuditStore(pool);
  }

  private static SslMode sslMode(AuditConfig.StoreTls.Mode mode) {
    return switch (mode) {
      case DISABLE -> SslMode.DISABLE;
      case REQUIRE -> SslMode.REQUIRE;
      case VERIFY_FULL -> SslMode.VERIFY_FULL;
    };
  }

  /** Creates or upgrades the tables ({@link AuditSchema}); returns the version the store had before. */
  public Future<Integer> migrate() {
    return AuditSchema.migrate(pool);
  }

  /** Stores events and dead letters in one transaction; the future completes once it is committed. */
  public Future<WriteResult> write(List<EventRow> rows, List<DeadLetter> letters) {
    return pool.withTransaction(conn -> {
      Future<Integer> inserted = rows.isEmpty() ? Future.succeededFuture(0)
          : conn.preparedQuery(INSERT_EVENT).executeBatch(eventTuples(rows)).map(AuditStore::affected);
      return inserted.compose(n -> {
        if (letters.isEmpty()) {
          return Future.succeededFuture(new WriteResult(n, rows.size() - n, 0));
        }
        return conn.preparedQuery(INSERT_DEAD_LETTER).executeBatch(letterTuples(letters))
            .map(rs -> new WriteResult(n, rows.size() - n, letters.size()));
      });
    });
  }

  /**
   * Stores events one transaction each, so that a row the store refuses (a data error, such as a time outside
   * PostgreSQL's range) becomes a dead letter instead of failing its whole batch on every retry. Any other
   * failure fails the write, as {@link #write} does.
   */
  public Future<WriteResult> writeOneByOne(List<EventRow> rows, List<DeadLetter> letters) {
    Future<WriteResult> chain = write(List.of(), letters);
    for (EventRow row : rows) {
      chain = chain.compose(sum -> write(List.of(row), List.of())
          .recover(err -> isDataError(err) ? write(List.of(), List.of(refused(row, err))) : Future.failedFuture(err))
          .map(r -> new WriteResult(sum.inserted() + r.inserted(), sum.duplicates() + r.duplicates(),
              sum.deadLetters() + r.deadLetters())));
    }
    return chain;
  }

  /**
   * Whether PostgreSQL refused the data itself (SQLSTATE class 22 data exception, 23 integrity violation, 54
   * program limit): retrying the same rows cannot succeed.
   */
  public static boolean isDataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
      }
    }
    return false;
  }

  private static DeadLetter refused(EventRow row, Throwable err) {
    // The row kept no record key; the key is the session id by contract.
    return new DeadLetter(row.source(), row.sessionId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        row.json().getBytes(java.nio.charset.StandardCharsets.UTF_8), "the audit store refused the event: "
        + err.getMessage());
  }

  /** The events matching a search, oldest first. */
  public Future<List<SessionEvent>> search(AuditQuery query) {
    AuditQuery.Sql sql = query.toSql();
    return pool.preparedQuery(sql.text()).execute(Tuple.from(sql.parameters()))
        .map(rs -> {
          List<SessionEvent> events = new ArrayList<>(rs.size());
          for (Row row : rs) {
            events.add(EventJson.decode(row.getString(0)));
          }
          return events;
        });
  }

  /**
   * A session's events the store received after {@code storedAfter} ({@code null}: all of them), in the order
   * they happened.
   */
  public Future<List<StoredEvent>> session(String sessionId, Instant storedAfter) {
    String sql = "SELECT published, stored_at FROM audit_events WHERE session_id = $1"
        + (storedAfter == null ? "" : " AND stored_at > $2")
        // equal times: the topic's own order (exact within the sessions topic)
        + " ORDER BY time, kafka_topic, kafka_partition, kafka_offset";
    Tuple params = storedAfter == null ? Tuple.of(sessionId)
        : Tuple.of(sessionId, OffsetDateTime.ofInstant(storedAfter, ZoneOffset.UTC));
    return pool.preparedQuery(sql).execute(params).map(rs -> {
      List<StoredEvent> events = new ArrayList<>(rs.size());
      for (Row row : rs) {
        events.add(new StoredEvent(EventJson.decode(row.getString(0)), row.getOffsetDateTime(1).toInstant()));
      }
      return events;
    });
  }

  /**
   * The session ids that start with {@code prefix}, at most {@code max} of them (a full id matches itself), so an
   * operator can paste the short id the search table shows.
   */
  public Future<List<String>> sessionsStartingWith(String prefix, int max) {
    return pool.preparedQuery("SELECT DISTINCT session_id FROM audit_events WHERE starts_with(session_id, $1)"
            + " ORDER BY session_id LIMIT $2")
        .execute(Tuple.of(prefix, max))
        .map(rs -> {
          List<String> ids = new ArrayList<>();
          rs.forEach(row -> ids.add(row.getString(0)));
          return ids;
        });
  }

  public Future<Void> close() {
    return pool.close();
  }

  private static List<Tuple> eventTuples(List<EventRow> rows) {
    List<Tuple> tuples = new ArrayList<>(rows.size());
    for (EventRow r : rows) {
      tuples.add(Tuple.tuple()
          .addString(r.id())
          .addOffsetDateTime(OffsetDateTime.ofInstant(r.time(), ZoneOffset.UTC))
          .addString(r.type())
          .addString(r.sessionId())
          .addString(r.gatewayId())
          .addString(r.subject())
          .addArrayOfString(r.groups().toArray(new String[0]))
          .addString(r.target())
          .addString(r.protocol())
          .addString(r.statementId())
          .addString(r.decision())
          .addString(r.rule())
          .addString(r.policy())
          .addString(r.fingerprint())
          .addString(r.text())
          .addLong(r.rows())
          .addLong(r.durationMs())
          .addString(r.error())
          .addString(r.json())
          .addString(r.source().topic())
          .addInteger(r.source().partition())
          .addLong(r.source().offset()));
    }
    return tuples;
  }

  private static List<Tuple> letterTuples(List<DeadLetter> letters) {
    List<Tuple> tuples = new ArrayList<>(letters.size());
    for (DeadLetter d : letters) {
      tuples.add(Tuple.tuple()
          .addString(d.source().topic())
          .addInteger(d.source().partition())
          .addLong(d.source().offset())
          .addBuffer(d.key() == null ? null : Buffer.buffer(d.key()))
          .addBuffer(d.value() == null ? null : Buffer.buffer(d.value()))
          .addString(d.error()));
    }
    return tuples;
  }

  /** Rows inserted by a batch: the batch's results are chained, one per tuple. */
  private static int affected(RowSet<Row> first) {
    int n = 0;
    for (RowSet<Row> rs = first; rs != null; rs = rs.next()) {
      n += rs.rowCount();
    }
    return n;
  }
}
