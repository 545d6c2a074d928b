package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Migrations against a real PostgreSQL: concurrent and repeated runs apply each version once. */
class AuditSchemaTest {
  @Test
  void concurrentAndRepeatedMigrationsApplyEachVersionOnce() throws Exception {
    AuditFixture f = AuditFixture.create("schema", 1);
    Vertx vertx = Vertx.vertx();
    AuditStore a = AuditStore.open(vertx, f.store());
    AuditStore b = AuditStore.open(vertx, f.store());
    try {
      List<Integer> before = Future.all(a.migrate(), b.migrate()).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS).list();
      assertTrue(before.contains(0) && before.contains(AuditSchema.CURRENT), "one migrated, the other found it done: "
          + before);
      assertEquals(AuditSchema.CURRENT, (int) a.migrate().toCompletionStage().toCompletableFuture().get());
      assertEquals(AuditSchema.CURRENT, f.count("SELECT count(*) FROM audit_schema_migrations"));

      try (Connection c = f.admin(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO audit_schema_migrations (version, description) VALUES (999, 'from the future')");
      }
      ExecutionException newer = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> a.migrate().toCompletionStage().toCompletableFuture().get());
      assertTrue(newer.getCause() instanceof AuditSchema.NewerSchemaException, newer.toString());
      assertTrue(newer.getCause().getMessage().contains("version 999, newer than this Portcullis knows"));
    } finally {
      a.close().toCompletionStage().toCompletableFuture().get();
      b.close().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
