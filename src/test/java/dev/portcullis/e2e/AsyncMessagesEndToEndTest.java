package dev.portcullis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLWarning;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Messages the server sends on its own — NoticeResponse and NotificationResponse — reach the client. */
class AsyncMessagesEndToEndTest {
  private static GatewayHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = GatewayHarness.get();
  }

  @Test
  void noticesAreRelayed() throws Exception {
    try (Connection c = harness.connect(harness.token("operator-1", "operators"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS public.nothing_here");
      SQLWarning warning = s.getWarnings();
      assertNotNull(warning, "the server's NOTICE did not reach the client");
      assertTrue(warning.getMessage().contains("does not exist, skipping"), warning.getMessage());
    }
  }

  @Test
  void notificationsReachAListeningSession() throws Exception {
    String token = harness.token("operator-2", "operators");
    try (Connection listener = harness.connect(token); Connection notifier = harness.connect(token)) {
      try (Statement s = listener.createStatement()) {
        s.execute("LISTEN portcullis_e2e");
      }
      try (Statement s = notifier.createStatement()) {
        s.execute("NOTIFY portcullis_e2e, 'hello through the gateway'");
      }
      // Blocks until the notification arrives (or 10 s pass): an awaited event, not a sleep.
      PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(10_000);
      assertNotNull(got, "no notification arrived");
      assertEquals(1, got.length);
      assertEquals("portcullis_e2e", got[0].getName());
      assertEquals("hello through the gateway", got[0].getParameter());
    }
  }
}
