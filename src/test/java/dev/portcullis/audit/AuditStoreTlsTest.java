package dev.portcullis.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.testing.LocalPostgres;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** store.tls against the real PostgreSQL with TLS on (its certificate names only "localhost"). */
class AuditStoreTlsTest {
  static Vertx vertx;
  static Path ca;

  @BeforeAll
  static void enableTls() {
    ca = LocalPostgres.get().enableTls();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static AuditConfig.Store store(AuditFixture f, String host, AuditConfig.StoreTls tls) {
    AuditConfig.Store s = f.store();
    return new AuditConfig.Store(host, s.port(), s.database(), s.username(), s.password(), tls);
  }

  private static void migrate(AuditConfig.Store config) throws Exception {
    AuditStore store = AuditStore.open(vertx, config);
    try {
      store.migrate().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      store.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static long sslSessions(AuditFixture f) throws Exception {
    return f.count("SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = '"
        + f.database + "' AND a.usename = '" + AuditFixture.ROLE + "' AND s.ssl");
  }

  @Test
  void requireEncryptsAndVerifyFullChecksTheCertificateAndTheHostName() throws Exception {
    AuditFixture f = AuditFixture.create("tls", 1);
    AuditStore store = AuditStore.open(vertx, store(f, "127.0.0.1",
        new AuditConfig.StoreTls(AuditConfig.StoreTls.Mode.REQUIRE, null)));
    try {
      store.migrate().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals(1, sslSessions(f), "the pooled connection uses TLS");
      assertEquals(1, f.count("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + AuditFixture.ROLE
          + "' AND datname = '" + f.database + "'"), "and it is the only one");
    } finally {
      store.close().toCompletionStage().toCompletableFuture().get();
    }

    migrate(store(f, "localhost", new AuditConfig.StoreTls(AuditConfig.StoreTls.Mode.VERIFY_FULL, ca)));
    // the certificate does not name 127.0.0.1, and without the CA the chain is not trusted
    assertThrows(ExecutionException.class, () -> migrate(store(f, "127.0.0.1",
        new AuditConfig.StoreTls(AuditConfig.StoreTls.Mode.VERIFY_FULL, ca))));
    assertThrows(ExecutionException.class, () -> migrate(store(f, "localhost",
        new AuditConfig.StoreTls(AuditConfig.StoreTls.Mode.VERIFY_FULL, null))));
  }
}
