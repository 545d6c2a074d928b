package dev.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String MINIMAL = """
      oidc:
        issuer: https://idp.example.com
      targets:
        orders:
          type: postgres
          host: 127.0.0.1
          database: orders
          username: gw
      """;

  @TempDir
  Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static ConfigLoader loader(Map<String, String> env) {
    return new ConfigLoader(env::get);
  }

  private YamlException refused(String text, Map<String, String> env) throws IOException {
    Path file = write("gw.yaml", text);
    return assertThrows(YamlException.class, () -> loader(env).load(file));
  }

  @Test
  void sampleDeployConfigLoadsWithSecretHidden() {
    Path sample = Path.of("deploy/portcullis.yaml");
    GatewayConfig c = loader(Map.of("PORTCULLIS_OIDC_ISSUER", "https://idp.test/realms/x",
        "ORDERS_PASSWORD", "s3cr3t-pw")).load(sample);
    assertEquals("gw-1", c.gatewayId());
    assertEquals("https://idp.test/realms/x", c.oidc().issuer());
    assertEquals("portcullis", c.oidc().audience());
    assertEquals(Duration.ofSeconds(10), c.postgres().startupTimeout());
    assertEquals(Path.of("policies").toAbsolutePath().normalize(), c.policiesDir());
    assertEquals(Path.of("data/journal").toAbsolutePath().normalize(), c.events().journalDir());
    assertEquals("s3cr3t-pw", c.targets().get("orders").password().reveal());
    assertFalse(c.toString().contains("s3cr3t-pw"), c.toString());
    assertTrue(c.toString().contains("Secret[***]"));
  }

  @Test
  void defaultsAndPathsRelativeToTheConfigFile() throws IOException {
    Path file = write("etc/gw.yaml", MINIMAL);
    GatewayConfig c = loader(Map.of()).load(file);
    Path etc = dir.resolve("etc").toAbsolutePath().normalize();
    assertEquals("127.0.0.1", c.postgres().host());
    assertEquals(15432, c.postgres().port());
    assertFalse(c.postgres().allowPlaintext());
    assertNull(c.postgres().tls());
    assertEquals("groups", c.oidc().groupsClaim());
    assertEquals(OidcConfig.DEFAULT_CLOCK_SKEW, c.oidc().clockSkew());
    assertEquals(etc.resolve("policies"), c.policiesDir());
    assertEquals(etc.resolve("data/journal"), c.events().journalDir());
    assertEquals(dev.portcullis.config.EventsConfig.Sink.JOURNAL, c.events().sink());
    TargetConfig t = c.targets().get("orders");
    assertEquals(5432, t.port());
    assertNull(t.password());
    assertEquals(TargetConfig.UpstreamTls.Mode.DISABLE, t.tls().mode());
    assertFalse(t.allowPrivilegedBackend());
  }

  @Test
  void fullListenTlsAndPasswordFile() throws IOException {
    write("secrets/orders.pw", "file-pw\n");
    Path file = write("gw.yaml", """
        listen:
          postgres: { host: 0.0.0.0, port: 6543, tls: { cert: tls/c.pem, key: tls/k.pem }, allowPlaintext: true,
                      startupTimeout: 500ms, maxConnections: 5, maxMessageBytes: 1024 }
        oidc: { issuer: "https://idp", groupsClaim: realm_access.roles, clockSkew: 1m }
        targets:
          orders: { type: postgres, host: db.internal, database: o, username: gw, passwordFile: secrets/orders.pw,
                    tls: { mode: verify-full, caFile: ca.pem }, allowPrivilegedBackend: true }
        events: { sink: kafka, kafka: { bootstrapServers: "k:9092" } }
        """);
    GatewayConfig c = loader(Map.of()).load(file);
    assertEquals(dir.resolve("tls/c.pem").toAbsolutePath().normalize(), c.postgres().tls().cert());
    assertEquals(Duration.ofMillis(500), c.postgres().startupTimeout());
    assertEquals(5, c.postgres().maxConnections());
    assertEquals(Duration.ofMinutes(1), c.oidc().clockSkew());
    TargetConfig t = c.targets().get("orders");
    assertEquals("file-pw", t.password().reveal());
    assertEquals(TargetConfig.UpstreamTls.Mode.VERIFY_FULL, t.tls().mode());
    assertEquals(dir.resolve("ca.pem").toAbsolutePath().normalize(), t.tls().caFile());
    assertTrue(t.allowPrivilegedBackend());
    assertEquals(EventsConfig.Sink.KAFKA, c.events().sink());
    assertEquals("portcullis.", c.events().kafka().topicPrefix());
    EventsConfig.Kafka k = c.events().kafka();
    assertEquals(dir.resolve("data/spool").toAbsolutePath().normalize(), k.spoolDir());
    assertEquals(1L << 30, k.spoolMaxBytes());
    assertEquals(EventsConfig.OnUnavailable.REFUSE_SESSIONS, k.onUnavailable());
    assertEquals(Duration.ofMinutes(5), k.maxOutage());
    assertEquals(Map.of(), k.properties());
  }

  @Test
  void kafkaSinkKeys() throws IOException {
    Path file = write("etc/gw.yaml", MINIMAL + """
        events:
          sink: kafka
          kafka:
            bootstrapServers: "k1:9092,k2:9092"
            topicPrefix: "audit."
            spool: { dir: /var/spool/portcullis, maxBytes: 512MiB }
            onUnavailable: keep-serving
            maxOutage: 90s
            properties: { security.protocol: SSL, linger.ms: 20, ssl.endpoint.identification.algorithm: "" }
        """);
    EventsConfig.Kafka k = loader(Map.of()).load(file).events().kafka();
    assertEquals("k1:9092,k2:9092", k.bootstrapServers());
    assertEquals("audit.", k.topicPrefix());
    assertEquals(Path.of("/var/spool/portcullis"), k.spoolDir());
    assertEquals(512L << 20, k.spoolMaxBytes());
    assertEquals(EventsConfig.OnUnavailable.KEEP_SERVING, k.onUnavailable());
    assertEquals(Duration.ofSeconds(90), k.maxOutage());
    assertEquals(Map.of("security.protocol", "SSL", "linger.ms", "20", "ssl.endpoint.identification.algorithm", ""),
        k.properties());

    Path relative = write("etc/rel.yaml", MINIMAL
        + "events: { sink: kafka, kafka: { bootstrapServers: k:1, spool: { dir: sp, maxBytes: 2GiB } } }\n");
    k = loader(Map.of()).load(relative).events().kafka();
    assertEquals(dir.resolve("etc/sp").toAbsolutePath().normalize(), k.spoolDir());
    assertEquals(2L << 30, k.spoolMaxBytes());
  }

  @Test
  void badKafkaKeysAreClearErrors() throws IOException {
    String kafka = MINIMAL + "events:\n  sink: kafka\n  kafka:\n    bootstrapServers: k:1\n";
    YamlException e = refused(kafka + "    properties: { acks: \"1\" }\n", Map.of());
    assertTrue(e.getMessage().contains("gw.yaml:13:19: events.kafka.properties may not set 'acks'"), e.getMessage());
    e = refused(kafka + "    properties: { enable.idempotence: false }\n", Map.of());
    assertTrue(e.getMessage().contains("may not set 'enable.idempotence'"), e.getMessage());
    e = refused(kafka + "    properties: { bootstrap.servers: x:1 }\n", Map.of());
    assertTrue(e.getMessage().contains("may not set 'bootstrap.servers'"), e.getMessage());
    e = refused(kafka + "    properties: { linger.ms: [1] }\n", Map.of());
    assertTrue(e.getMessage().contains("'linger.ms' in events.kafka.properties must be a single value"),
        e.getMessage());
    e = refused(kafka + "    spool: { maxBytes: 1GB }\n", Map.of());
    assertTrue(e.getMessage().contains("gw.yaml:13:24: 'maxBytes' in events.kafka.spool must be a size"),
        e.getMessage());
    e = refused(kafka + "    spool: { maxBytes: 1024B }\n", Map.of());
    assertTrue(e.getMessage().contains("events.kafka.spool.maxBytes must be at least 1MiB"), e.getMessage());
    e = refused(kafka + "    spool: { size: 1GiB }\n", Map.of());
    assertTrue(e.getMessage().contains("unknown key 'size' in events.kafka.spool (expected one of: dir, maxBytes)"),
        e.getMessage());
    e = refused(kafka + "    onUnavailable: ignore\n", Map.of());
    assertTrue(e.getMessage().contains("'onUnavailable' in events.kafka must be one of: keep-serving, "
        + "refuse-sessions; got 'ignore'"), e.getMessage());
    e = refused(kafka + "    maxOutage: 5 minutes\n", Map.of());
    assertTrue(e.getMessage().contains("'maxOutage' in events.kafka must be a duration"), e.getMessage());
    e = refused(kafka + "    maxOutage: 0s\n", Map.of());
    assertTrue(e.getMessage().contains("maxOutage must be longer than 0"), e.getMessage());
    e = refused(kafka.replace("bootstrapServers: k:1", "topicPrefix: x."), Map.of());
    assertTrue(e.getMessage().contains("missing required key 'bootstrapServers' in events.kafka"), e.getMessage());
  }

  @Test
  void unknownKeyNamesFileLineColumnAndExpectedKeys() throws IOException {
    YamlException e = refused(MINIMAL.replace("username: gw", "usrname: gw"), Map.of());
    assertTrue(e.getMessage().matches(".*gw\\.yaml:8:5: unknown key 'usrname' in target 'orders' \\(expected one"
        + " of: type, host, port, database, username, passwordEnv, passwordFile, tls, allowPrivilegedBackend.*"),
        e.getMessage());
  }

  @Test
  void wrongTypeIsAnError() throws IOException {
    YamlException e = refused(MINIMAL + "listen: { postgres: { port: abc } }\n", Map.of());
    assertTrue(e.getMessage().contains("gw.yaml:9:29: 'port' in listen.postgres must be an integer, got 'abc'"),
        e.getMessage());
    e = refused(MINIMAL + "listen: { postgres: { allowPlaintext: yes please } }\n", Map.of());
    assertTrue(e.getMessage().contains("must be true or false"), e.getMessage());
    e = refused(MINIMAL + "listen: { postgres: { startupTimeout: 10 } }\n", Map.of());
    assertTrue(e.getMessage().contains("must be a duration"), e.getMessage());
  }

  @Test
  void envInterpolation() throws IOException {
    Path file = write("gw.yaml", MINIMAL.replace("host: 127.0.0.1", "host: ${DB_HOST}")
        + "listen: { postgres: { port: \"${PORT}\" } }\n");
    GatewayConfig c = loader(Map.of("DB_HOST", "localhost", "PORT", "7000")).load(file);
    assertEquals("localhost", c.targets().get("orders").host());
    assertEquals(7000, c.postgres().port());
    YamlException e = assertThrows(YamlException.class, () -> loader(Map.of("PORT", "1")).load(file));
    assertTrue(e.getMessage().contains("gw.yaml:6:11: environment variable DB_HOST is not set"), e.getMessage());
  }

  @Test
  void passwordSources() throws IOException {
    String env = MINIMAL + "    passwordEnv: PW\n";
    YamlException e = refused(env, Map.of());
    assertTrue(e.getMessage().contains("passwordEnv names PW, which is not set"), e.getMessage());
    e = refused(env + "    passwordFile: pw.txt\n", Map.of("PW", "x"));
    assertTrue(e.getMessage().contains("give passwordEnv or passwordFile, not both"), e.getMessage());
    e = refused(MINIMAL + "    passwordFile: missing.pw\n", Map.of());
    assertTrue(e.getMessage().contains("cannot read passwordFile"), e.getMessage());
  }

  @Test
  void unsupportedAndMissingThingsAreClearErrors() throws IOException {
    YamlException e = refused(MINIMAL.replace("type: postgres", "type: ssh"), Map.of());
    assertTrue(e.getMessage().contains("unknown key 'database' in SSH target 'orders'"), e.getMessage());
    e = refused(MINIMAL.replace("type: postgres", "type: mysql"), Map.of());
    assertTrue(e.getMessage().contains("unknown type 'mysql' (expected: postgres, ssh)"), e.getMessage());
    e = refused(MINIMAL.replace("    database: orders\n", ""), Map.of());
    assertTrue(e.getMessage().contains("missing required key 'database' in target 'orders'"), e.getMessage());
    e = refused(MINIMAL.replace("  issuer: https://idp.example.com", "  audience: x"), Map.of());
    assertTrue(e.getMessage().contains("missing required key 'issuer' in oidc"), e.getMessage());
    e = refused(MINIMAL + "events: { sink: kafka }\n", Map.of());
    assertTrue(e.getMessage().contains("events.kafka"), e.getMessage());
    e = refused(MINIMAL + "oidc: { issuer: x }\n", Map.of());
    assertTrue(e.getMessage().contains("duplicate key 'oidc'") || e.getMessage().contains("duplicate"),
        e.getMessage());
    e = refused("", Map.of());
    assertTrue(e.getMessage().contains("empty file"), e.getMessage());
    e = refused("oidc: [unclosed\n", Map.of());
    assertTrue(e.getMessage().contains("invalid YAML"), e.getMessage());
  }
}
