package dev.portcullis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis policy check} against the shipped sample policies: output and exit codes (design-notes §1). */
class PolicyCheckCommandTest {
  @TempDir static Path dir;
  static Path config;

  @BeforeAll
  static void writeConfig() throws Exception {
    Files.writeString(dir.resolve("orders.pw"), "not-used-offline\n");
    config = dir.resolve("portcullis.yaml");
    Files.writeString(config, """
        oidc: { issuer: "https://idp.example.com", audience: portcullis }
        targets:
          orders: { type: postgres, host: 127.0.0.1, port: 5432, database: orders, username: gw, passwordFile: orders.pw }
        policies: %s
        """.formatted(Path.of("policies").toAbsolutePath()));
  }

  record Run(int exit, String out) {}

  private static Run check(String groups, String sql) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run("policy", "check", "--config", config.toString(), "--groups", groups, "--subject", "ci-bot",
          "--target", "orders", sql);
      return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void allowedReadExitsZeroAndNamesTheRule() {
    Run r = check("ai-agents", "SELECT name FROM customers WHERE id = 1");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("allow (rule 'read-public' of policy 'agents-read-public')"), r.out());
    assertTrue(r.out().contains("public.customers"), r.out());
  }

  @Test
  void deniedExitsTenWithTheDecidingRule() {
    Run r = check("ai-agents", "SELECT 1; DROP TABLE orders");
    assertEquals(10, r.exit(), r.out());
    assertTrue(r.out().contains("deny (rule 'no-ddl' of policy 'agents-read-public')"), r.out());
  }

  @Test
  void reviewExitsEleven() {
    Run r = check("ai-agents", "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d");
    assertEquals(11, r.exit(), r.out());
    assertTrue(r.out().contains("review (rule 'writes-need-review'"), r.out());
  }

  @Test
  void anIdentityNoPolicyCoversIsRefusedAtConnection() {
    Run r = check("contractors", "SELECT 1");
    assertEquals(10, r.exit(), r.out());
    assertTrue(r.out().contains("connection refused") && r.out().contains("ci-bot"), r.out());
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(2, Main.run("policy", "check", "--config", config.toString(), "SELECT 1"));
  }
}
