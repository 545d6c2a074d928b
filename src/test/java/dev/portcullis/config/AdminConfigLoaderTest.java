package dev.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listen.admin} and {@code approvals:} (design-notes §4b), read as strictly as the rest of the config. */
class AdminConfigLoaderTest {
  private static final String MINIMAL = """
      oidc:
        issuer: https://idp.example.com
        audience: portcullis
      targets:
        orders:
          host: 127.0.0.1
          database: orders
          username: gw
      """;

  @TempDir
  Path dir;

  private GatewayConfig load(String text) throws IOException {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, text);
    return new ConfigLoader(Map.<String, String>of()::get).load(file);
  }

  private String refusal(String text) {
    return assertThrows(YamlException.class, () -> load(text)).getMessage();
  }

  @Test
  void absentMeansNoAdminListenerAndTheDefaultAudience() throws IOException {
    GatewayConfig c = load(MINIMAL);
    assertNull(c.admin());
    assertEquals("portcullis-admin", c.approvals().audience());
  }

  @Test
  void adminListenerWithDefaultsAndTlsPathsRelativeToTheFile() throws IOException {
    GatewayConfig c = load(MINIMAL + "listen: { admin: { port: 9180 } }\n");
    assertEquals(new AdminListenConfig("127.0.0.1", 9180, null), c.admin());
    c = load(MINIMAL + """
        listen:
          postgres: { port: 15433 }
          admin: { host: 0.0.0.0, port: 9443, tls: { cert: tls/admin.crt, key: tls/admin.key } }
        approvals:
          audience: gateway-approvers
        """);
    Path base = dir.toAbsolutePath().normalize();
    assertEquals(new AdminListenConfig("0.0.0.0", 9443,
        new TlsFiles(base.resolve("tls/admin.crt"), base.resolve("tls/admin.key"))), c.admin());
    assertEquals(15433, c.postgres().port());
    assertEquals("gateway-approvers", c.approvals().audience());
  }

  @Test
  void strictAboutKeysTypesAndRanges() {
    String e = refusal(MINIMAL + "listen: { admin: { prot: 9180 } }\n");
    assertTrue(e.contains("gw.yaml:9:20: unknown key 'prot' in listen.admin (expected one of: host, port, tls)"), e);
    e = refusal(MINIMAL + "listen: { admin: { host: 127.0.0.1 } }\n");
    assertTrue(e.contains("missing required key 'port' in listen.admin"), e);
    e = refusal(MINIMAL + "listen: { admin: { port: http } }\n");
    assertTrue(e.contains("'port' in listen.admin must be an integer"), e);
    e = refusal(MINIMAL + "listen: { admin: { port: 70000 } }\n");
    assertTrue(e.contains("port must be between 0 and 65535"), e);
    e = refusal(MINIMAL + "listen: { admin: { port: 1, tls: { cert: a.pem } } }\n");
    assertTrue(e.contains("missing required key 'key' in listen.admin.tls"), e);
    e = refusal(MINIMAL + "approvals: { audiences: [x] }\n");
    assertTrue(e.contains("unknown key 'audiences' in approvals (expected one of: audience)"), e);
    e = refusal(MINIMAL + "approvals: { audience: [x] }\n");
    assertTrue(e.contains("'audience' in approvals must be a string"), e);
  }

  @Test
  void approverAudienceMustDifferFromTheAgentsAudience() {
    String e = refusal(MINIMAL + "approvals: { audience: portcullis }\n");
    assertTrue(e.contains("gw.yaml:9:14: approvals.audience must differ from oidc.audience"), e);
  }

  @Test
  void existingConstructorsStillMeanNoAdminListener() {
    GatewayConfig c = new GatewayConfig("gw", null, new OidcConfig("https://i", "a", "groups", null), Map.of(),
        Path.of("p"), null);
    assertNull(c.admin());
    assertEquals(ApprovalsConfig.DEFAULTS, c.approvals());
    AdminListenConfig admin = new AdminListenConfig("127.0.0.1", 0, null);
    assertEquals(admin, c.withAdmin(admin, null).admin());
  }
}
