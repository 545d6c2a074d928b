package dev.portcullis.pg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.pg.PgTerminationVerticle;
import io.vertx.core.DeploymentOptions;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/** Several termination instances on one port share the connection limit and the cancel keys. */
class SharedPortTest {
  @Test
  void instancesShareThePortAndTheLimit() throws Exception {
    try (GatewayFixture gw = GatewayFixture.standard()) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      PostgresListenConfig config = new PostgresListenConfig("127.0.0.1", port, null, false, Duration.ofSeconds(10),
          3, PostgresListenConfig.DEFAULT_MAX_MESSAGE_BYTES);
      gw.vertx.deployVerticle(PgTerminationVerticle.instances(config, "gw-shared", GatewayFixture.VALIDATOR,
          gw.events::add), new DeploymentOptions().setInstances(3))
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + GatewayFixture.TARGET
          + "?sslmode=require&user=ci-bot&password=" + GatewayFixture.TOKEN;
      List<Connection> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Connection c = DriverManager.getConnection(url);
          open.add(c);
          try (ResultSet rs = c.createStatement().executeQuery("select " + i)) {
            rs.next();
            assertEquals(i, rs.getInt(1));
          }
        }
        // The 53300 FATAL comes before any TLS (pgjdbc reports it as a refused SSL negotiation; the raw reply is
        // checked in MalformedInputTest): one limit across the three instances.
        assertThrows(PSQLException.class, () -> DriverManager.getConnection(url).close());
        open.remove(0).close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Connection again = null;
        while (again == null) {
          try {
            again = DriverManager.getConnection(url); // the slot frees when the gateway sees the close
          } catch (PSQLException e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
          }
        }
        open.add(again);
      } finally {
        for (Connection c : open) {
          c.close();
        }
      }
    }
  }
}
