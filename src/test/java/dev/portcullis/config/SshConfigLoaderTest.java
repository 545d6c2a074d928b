package dev.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listen.ssh} and {@code type: ssh} targets: read strictly, kept apart from the PostgreSQL targets. */
class SshConfigLoaderTest {
  private static final String KEY_LINE = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr6zkw0ZJmQ1d8bq2kvx0UuPZXwQeE5y1nhfFZl7c1b";
  private static final String CONFIG = """
      oidc:
        issuer: https://idp.example.com
      listen:
        ssh: { host: 0.0.0.0, port: 2022, hostKey: data/host_key }
      targets:
        orders:
          type: postgres
          host: 127.0.0.1
          database: orders
          username: gw
        build-box:
          type: ssh
          host: 10.0.0.5
          username: deploy
          privateKeyFile: secrets/build-box.key
          hostKey: "KEYLINE gateway-pinned"
      """.replace("KEYLINE", KEY_LINE);

  @TempDir
  Path dir;

  @BeforeEach
  void keyFile() throws IOException {
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/build-box.key"), "not parsed by the loader\n");
  }

  private GatewayConfig load(String text) throws IOException {
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, text);
    return new ConfigLoader(Map.<String, String>of()::get).load(file);
  }

  private YamlException refused(String text) {
    return assertThrows(YamlException.class, () -> load(text));
  }

  @Test
  void readsListenerAndTargetsRelativeToTheConfigFile() throws IOException {
    GatewayConfig config = load(CONFIG);
    assertEquals(new SshListenConfig("0.0.0.0", 2022, dir.resolve("data/host_key")), config.ssh());
    assertEquals(Map.of("build-box", new SshTargetConfig("build-box", "10.0.0.5", 22, "deploy",
        dir.resolve("secrets/build-box.key"), KEY_LINE)), config.sshTargets());
    // a PostgreSQL code path looking a name up in targets() never finds the SSH host
    assertEquals(java.util.Set.of("orders"), config.targets().keySet());
  }

  @Test
  void limitsAndTimeouts() throws IOException {
    GatewayConfig config = load(CONFIG.replace("hostKey: data/host_key }", "hostKey: data/host_key,"
        + " authTimeout: 5s, idleTimeout: 2m, maxSessions: 40, maxSessionsPerIdentity: 3, maxChannelsPerSession: 4 }"));
    assertEquals(new SshLimits(java.time.Duration.ofSeconds(5), java.time.Duration.ofMinutes(2), 40, 3, 4),
        config.ssh().limits());
    assertEquals(SshLimits.DEFAULTS, load(CONFIG).ssh().limits());
    assertTrue(refused(CONFIG.replace("hostKey: data/host_key }", "hostKey: data/host_key, maxSessions: 0 }"))
        .getMessage().contains("maxSessions must be at least 1"));
    assertTrue(refused(CONFIG.replace("hostKey: data/host_key }", "hostKey: data/host_key, idleTimeout: 10 }"))
        .getMessage().contains("must be a duration"));
    assertTrue(refused(CONFIG.replace("hostKey: data/host_key }", "hostKey: data/host_key, idleTimeOut: 1s }"))
        .getMessage().contains("idleTimeOut"));
  }

  @Test
  void defaultsAndAbsence() throws IOException {
    GatewayConfig config = load(CONFIG.replace("{ host: 0.0.0.0, port: 2022, hostKey: data/host_key }", "{}"));
    assertEquals(new SshListenConfig("127.0.0.1", 2222, dir.resolve("data/ssh_host_key")), config.ssh());
    GatewayConfig without = load(CONFIG.replace("  ssh: { host: 0.0.0.0, port: 2022, hostKey: data/host_key }\n",
        "  postgres: { port: 15432 }\n"));
    assertNull(without.ssh());
    // only SSH targets is a valid config too
    GatewayConfig sshOnly = load(CONFIG.replaceAll("(?s)  orders:.*?username: gw\n", ""));
    assertTrue(sshOnly.targets().isEmpty());
    assertEquals(1, sshOnly.sshTargets().size());
  }

  @Test
  void strictErrorsNameFileLineAndWhat() {
    YamlException e = refused(CONFIG.replace("  ssh: { host", "  ssh: { hots: x, host"));
    assertTrue(e.getMessage().contains("gateway.yaml:4:") && e.getMessage().contains("unknown key 'hots' in listen.ssh"),
        e.getMessage());
    e = refused(CONFIG + "    database: orders\n");
    assertTrue(e.getMessage().contains("gateway.yaml:17:") && e.getMessage().contains(
        "unknown key 'database' in SSH target 'build-box'"), e.getMessage());
    e = refused(CONFIG.replace("    username: deploy\n", ""));
    assertTrue(e.getMessage().contains("missing required key 'username' in target 'build-box'"), e.getMessage());
    e = refused(CONFIG.replace("KEY_LINE", "x").replace(KEY_LINE, "AAAA nonsense"));
    assertTrue(e.getMessage().contains("hostKey must be an OpenSSH public key line"), e.getMessage());
    e = refused(CONFIG.replace(KEY_LINE, "ssh-ed25519 !!!notbase64"));
    assertTrue(e.getMessage().contains("not base64"), e.getMessage());
    e = refused(CONFIG.replace("secrets/build-box.key", "secrets/missing.key"));
    assertTrue(e.getMessage().contains("cannot read privateKeyFile"), e.getMessage());
    e = refused(CONFIG.replace("port: 2022", "port: 70000"));
    assertTrue(e.getMessage().contains("port must be between 0 and 65535"), e.getMessage());
    e = refused(CONFIG.replace("    type: postgres\n", "    type: postgres\n    hostKey: x\n"));
    assertTrue(e.getMessage().contains("unknown key 'hostKey' in target 'orders'"), e.getMessage());
  }
}
