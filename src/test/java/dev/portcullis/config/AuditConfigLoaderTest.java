package dev.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String text) throws IOException {
    Path file = dir.resolve("audit.yaml");
    Files.writeString(file, text);
    return file;
  }

  private YamlException refused(String text, Map<String, String> env) throws IOException {
    Path file = write(text);
    return assertThrows(YamlException.class, () -> new AuditConfigLoader(env::get).load(file));
  }

  @Test
  void theDocumentedConfigLoadsWithDefaultsAndTheSecretHidden() throws IOException {
    AuditConfig c = new AuditConfigLoader(Map.of("AUDIT_DB_PASSWORD", "s3cr3t")::get).load(write("""
        kafka:
          bootstrapServers: "127.0.0.1:9092"
          properties: { security.protocol: PLAINTEXT, max.poll.records: 200 }
        store:
          host: db.internal
          username: portcullis_audit
          passwordEnv: AUDIT_DB_PASSWORD
        """));
    assertEquals("portcullis.", c.kafka().topicPrefix());
    assertEquals("portcullis-audit", c.kafka().groupId());
    assertEquals(Map.of("security.protocol", "PLAINTEXT", "max.poll.records", "200"), c.kafka().properties());
    assertEquals(5432, c.store().port());
    assertEquals("audit", c.store().database());
    assertEquals("s3cr3t", c.store().password().reveal());
    assertEquals(AuditConfig.StoreTls.Mode.DISABLE, c.store().tls().mode());
    assertFalse(c.toString().contains("s3cr3t"), c.toString());
    assertFalse(c.store().describe().contains("s3cr3t"));
  }

  @Test
  void theComposeDeploymentsAuditConfigLoads() {
    AuditConfig c = new AuditConfigLoader(Map.of("AUDIT_PASSWORD", "pw")::get).load(Path.of("deploy/compose/audit.yaml"));
    assertEquals("kafka:9092", c.kafka().bootstrapServers());
    assertEquals("portcullis-audit", c.kafka().groupId());
    assertEquals("audit-db", c.store().host());
    assertEquals("pw", c.store().password().reveal());
  }

  @Test
  void passwordFileAndTlsResolveAgainstTheConfigDirectory() throws IOException {
    Files.writeString(dir.resolve("pw"), "from-file\n");
    Files.writeString(dir.resolve("ca.pem"), "not checked here");
    AuditConfig c = new AuditConfigLoader(Map.<String, String>of()::get).load(write("""
        kafka: { bootstrapServers: "k:9092", topicPrefix: "acme.", groupId: audit-2 }
        store: { username: u, passwordFile: pw, port: 6432, database: a, tls: { mode: verify-full, caFile: ca.pem } }
        """));
    assertEquals("from-file", c.store().password().reveal());
    assertEquals(AuditConfig.StoreTls.Mode.VERIFY_FULL, c.store().tls().mode());
    assertEquals(dir.resolve("ca.pem").toAbsolutePath().normalize(), c.store().tls().ca());
    assertEquals("acme.", c.kafka().topicPrefix());
    assertEquals("audit-2", c.kafka().groupId());
    assertEquals(6432, c.store().port());
  }

  @Test
  void noPasswordIsAllowedForTrustAuthentication() throws IOException {
    AuditConfig c = new AuditConfigLoader(Map.<String, String>of()::get).load(write("""
        kafka: { bootstrapServers: "k:9092" }
        store: { username: u }
        """));
    assertNull(c.store().password());
  }

  @Test
  void errorsNameFileLineAndKey() throws IOException {
    Map<String, String> none = Map.of();
    YamlException typo = refused("""
        kafka: { bootstrapServers: "k:9092", groupID: x }
        store: { username: u }
        """, none);
    assertTrue(typo.getMessage().matches(".*audit.yaml:1:\\d+: unknown key 'groupID' in kafka.*"), typo.getMessage());
    YamlException reserved = refused("""
        kafka:
          bootstrapServers: "k:9092"
          properties:
            enable.auto.commit: "true"
        store: { username: u }
        """, none);
    assertTrue(reserved.getMessage().contains("audit.yaml:4:5: kafka.properties may not set 'enable.auto.commit'"),
        reserved.getMessage());
    YamlException unset = refused("""
        kafka: { bootstrapServers: "k:9092" }
        store: { username: u, passwordEnv: NOPE }
        """, none);
    assertTrue(unset.getMessage().contains("passwordEnv names NOPE, which is not set"), unset.getMessage());
    YamlException both = refused("""
        kafka: { bootstrapServers: "k:9092" }
        store: { username: u, passwordEnv: A, passwordFile: b }
        """, Map.of("A", "x"));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    YamlException mode = refused("""
        kafka: { bootstrapServers: "k:9092" }
        store: { username: u, tls: { mode: prefer } }
        """, none);
    assertTrue(mode.getMessage().contains("'mode' in store.tls must be one of: disable, require, verify-full"),
        mode.getMessage());
    YamlException missing = refused("""
        kafka: { topicPrefix: x. }
        store: { username: u }
        """, none);
    assertTrue(missing.getMessage().contains("missing required key 'bootstrapServers' in kafka"), missing.getMessage());
    YamlException noStore = refused("""
        kafka: { bootstrapServers: "k:9092" }
        """, none);
    assertTrue(noStore.getMessage().contains("missing required key 'store'"), noStore.getMessage());
  }
}
