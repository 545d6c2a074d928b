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
  static Path sshConfig;

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
    sshConfig = dir.resolve("ssh.yaml");
    Files.writeString(sshConfig, """
        oidc: { issuer: "https://idp.example.com", audience: portcullis }
        targets:
          orders: { type: postgres, host: 127.0.0.1, port: 5432, database: orders, username: gw, passwordFile: orders.pw }
        policies: %s
        """.formatted(Path.of("src/test/resources/dev/portcullis/policy/ssh").toAbsolutePath()));
  }

  private static Run ssh(String groups, String... request) {
    PrintStream old = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      String[] args = new String[8 + request.length];
      System.arraycopy(new String[] {"policy", "check", "--config", sshConfig.toString(), "--groups", groups,
          "--target", "build-box"}, 0, args, 0, 8);
      System.arraycopy(request, 0, args, 8, request.length);
      return new Run(Main.run(args), buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  /** The shipped policies/ssh.yaml on dev-box, as the dev walkthrough uses them. */
  @Test
  void sampleSshPoliciesOnDevBox() throws Exception {
    Files.writeString(dir.resolve("dev-box.key"), "not parsed offline\n");
    Path devConfig = dir.resolve("dev.yaml");
    Files.writeString(devConfig, """
        oidc: { issuer: "https://idp.example.com", audience: portcullis }
        targets:
          dev-box: { type: ssh, host: 127.0.0.1, port: 2223, username: me, privateKeyFile: dev-box.key,
                     hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr6zkw0ZJmQ1d8bq2kvx0UuPZXwQeE5y1nhfFZl7c1b" }
        policies: %s
        """.formatted(Path.of("policies").toAbsolutePath()));
    java.util.function.BiFunction<String, String[], Run> check = (groups, request) -> {
      PrintStream old = System.out;
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      try {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("policy", "check", "--config",
            devConfig.toString(), "--groups", groups, "--target", "dev-box"));
        args.addAll(java.util.List.of(request));
        return new Run(Main.run(args.toArray(String[]::new)), buffer.toString(StandardCharsets.UTF_8));
      } finally {
        System.setOut(old);
      }
    };
    for (String allowed : java.util.List.of("git status", "uname -a", "ls -la src", "cat README.md", "whoami")) {
      Run r = check.apply("ai-agents", new String[] {"--ssh", allowed});
      assertEquals(0, r.exit(), allowed + ": " + r.out());
    }
    for (String denied : java.util.List.of("rm -rf build", "ls; rm x", "git push", "curl example.com")) {
      Run r = check.apply("ai-agents", new String[] {"--ssh", denied});
      assertEquals(10, r.exit(), denied + ": " + r.out());
    }
    Run restart = check.apply("ai-agents", new String[] {"--ssh", "systemctl restart cron"});
    assertEquals(11, restart.exit(), restart.out());
    assertTrue(restart.out().contains("restarts-need-review"), restart.out());
    assertEquals(10, check.apply("ai-agents", new String[] {"--ssh-action", "shell"}).exit(), "no shell for agents");
    assertEquals(0, check.apply("ops", new String[] {"--ssh-action", "shell"}).exit(), "ops get a shell");
    assertEquals(0, check.apply("ops", new String[] {"--ssh", "systemctl restart cron"}).exit());
  }

  @Test
  void sshExecListsEachPartAndExitsLikeSql() {
    Run ok = ssh("ai-agents", "--ssh", "git status && ls -la");
    assertEquals(0, ok.exit(), ok.out());
    assertTrue(ok.out().contains("command 1: git status"), ok.out());
    assertTrue(ok.out().contains("command 2: ls -la"), ok.out());
    assertTrue(ok.out().contains("allow (rule 'read-only-commands' of policy 'agents-on-build-box'): all 2 commands"),
        ok.out());

    Run split = ssh("ai-agents", "--ssh", "git status; rm -rf /");
    assertEquals(10, split.exit(), split.out());
    assertTrue(split.out().contains("deny (rule 'never-delete' of policy 'agents-on-build-box'): exec 'rm -rf /' is denied"),
        split.out());

    Run sub = ssh("ai-agents", "--ssh", "ls $(curl x)");
    assertEquals(10, sub.exit(), sub.out());
    assertTrue(sub.out().contains("command 2 (in a command substitution): curl x"), sub.out());

    Run redirect = ssh("ai-agents", "--ssh", "ls > /etc/passwd");
    assertEquals(10, redirect.exit(), redirect.out());
    assertTrue(redirect.out().contains("matched as: ls >/etc/passwd"), redirect.out());

    Run review = ssh("ai-agents", "--ssh", "git pull origin main");
    assertEquals(11, review.exit(), review.out());

    Run refused = ssh("ai-agents", "--ssh", "echo 'oops");
    assertEquals(10, refused.exit(), refused.out());
    assertTrue(refused.out().contains("cannot follow the command line: unterminated single quote"), refused.out());
  }

  @Test
  void sshActionsOtherThanExec() {
    assertEquals(0, ssh("ai-agents", "--ssh-action", "subsystem", "sftp").exit());
    assertEquals(0, ssh("ai-agents", "--ssh-action", "port-forward", "db.internal:5432").exit());
    Run forward = ssh("ai-agents", "--ssh-action", "port-forward", "db.internal:22");
    assertEquals(10, forward.exit(), forward.out());
    assertTrue(forward.out().contains("request: forward db.internal:22"), forward.out());
    assertTrue(forward.out().contains("no rule allows port-forward to 'db.internal:22'"), forward.out());
    assertEquals(10, ssh("ai-agents", "--ssh-action", "shell").exit());
    assertEquals(11, ssh("oncall", "--ssh-action", "shell").exit());
    assertEquals(10, ssh("ai-agents", "--ssh-action", "x11").exit());
    assertEquals(0, ssh("ai-agents", "--ssh-action", "exec", "git status").exit());
    Run nobody = ssh("contractors", "--ssh", "ls");
    assertEquals(10, nobody.exit(), nobody.out());
    assertTrue(nobody.out().contains("connection refused"), nobody.out());
  }

  @Test
  void sshUsageErrorsExitTwo() {
    assertEquals(2, ssh("ai-agents", "--ssh-action", "teleport", "x").exit());
    assertEquals(2, ssh("ai-agents", "--ssh-action", "subsystem").exit());
    assertEquals(2, ssh("ai-agents", "--ssh-action", "shell", "extra").exit());
    assertEquals(2, ssh("ai-agents", "--ssh", "ls", "--ssh-action", "shell").exit());
    assertEquals(2, ssh("ai-agents", "--ssh", "ls", "SELECT 1").exit());
    assertEquals(2, ssh("ai-agents").exit());
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
