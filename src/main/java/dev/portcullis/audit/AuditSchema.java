package dev.portcullis.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * The audit store's tables, created and upgraded by the consumer itself through numbered migrations recorded in
 * {@code audit_schema_migrations}. Running {@link #migrate} again is a no-op; consumers starting at the same time
 * serialize on an advisory lock, so exactly one applies each migration.
 */
public final class AuditSchema {
  /** A step from version {@code version - 1} to {@code version}; its statements run in one transaction. */
  record Migration(int version, String description, List<String> statements) {}

  /** Arbitrary but fixed: the advisory lock that serializes concurrent migrations of one store. */
  private static final long MIGRATION_LOCK = 0x706f7274_61756469L; // "portaudi"

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, "events keyed by id with search columns; dead letters", List.of("""
          CREATE TABLE audit_events (
            id              text PRIMARY KEY,
            time            timestamptz NOT NULL,
            type            text NOT NULL,
            session_id      text NOT NULL,
            gateway_id      text,
            subject         text,
            groups          text[] NOT NULL DEFAULT '{}',
            target          text,
            protocol        text,
            statement_id    text,
            decision        text,
            rule            text,
            policy          text,
            fingerprint     text,
            text            text,
            rows            bigint,
            duration_ms     bigint,
            error           text,
            event           jsonb NOT NULL,
            published       text NOT NULL,
            kafka_topic     text NOT NULL,
            kafka_partition integer NOT NULL,
            kafka_offset    bigint NOT NULL,
            stored_at       timestamptz NOT NULL DEFAULT clock_timestamp()
          )""",
          "CREATE INDEX audit_events_session ON audit_events (session_id, time)",
          "CREATE INDEX audit_events_time ON audit_events (time)",
          "CREATE INDEX audit_events_subject ON audit_events (subject, time)",
          "CREATE INDEX audit_events_target ON audit_events (target, time)",
          "CREATE INDEX audit_events_groups ON audit_events USING gin (groups)",
          """
          CREATE TABLE audit_dead_letters (
            topic      text NOT NULL,
            partition  integer NOT NULL,
            "offset"   bigint NOT NULL,
            key        bytea,
            value      bytea,
            error      text NOT NULL,
            stored_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (topic, partition, "offset")
          )""")));

  /** The store was migrated by a newer Portcullis: retrying cannot help. */
  public static final class NewerSchemaException extends IllegalStateException {
    NewerSchemaException(String message) {
      super(message);
    }
  }

  /** The newest version this build knows. */
  public static final int CURRENT = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

  private AuditSchema() {}

  /** Brings the store to {@link #CURRENT}; fails when the store is newer than this build. Returns the old version. */
  public static Future<Integer> migrate(Pool pool) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL client_min_messages = warning").execute() // no "already exists" notices
        .compose(v -> conn.query("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")").execute())
        .compose(v -> conn.query("""
            CREATE TABLE IF NOT EXISTS audit_schema_migrations (
              version     integer PRIMARY KEY,
              description text NOT NULL,
              applied_at  timestamptz NOT NULL DEFAULT now()
            )""").execute())
        .compose(v -> conn.query("SELECT coalesce(max(version), 0) FROM audit_schema_migrations").execute())
        .compose(rows -> {
          int current = rows.iterator().next().getInteger(0);
          if (current > CURRENT) {
            return Future.failedFuture(new NewerSchemaException("the audit store's schema is version " + current
                + ", newer than this Portcullis knows (" + CURRENT + "): upgrade Portcullis"));
          }
          Future<Void> chain = Future.succeededFuture();
          for (Migration m : MIGRATIONS) {
            if (m.version() > current) {
              chain = chain.compose(v -> apply(conn, m));
            }
          }
          return chain.map(current);
        }));
  }

  private static Future<Void> apply(SqlConnection conn, Migration m) {
    Future<Void> chain = Future.succeededFuture();
    for (String sql : m.statements()) {
      chain = chain.compose(v -> conn.query(sql).execute().mapEmpty());
    }
    return chain.compose(v -> conn.preparedQuery(
            "INSERT INTO audit_schema_migrations (version, description) VALUES ($1, $2)")
        .execute(io.vertx.sqlclient.Tuple.of(m.version(), m.description())).mapEmpty());
  }
}
