package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.config.AuditConfigLoader;
import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The configs under {@code deploy/} are read by the real config loaders, so a renamed or misspelt key fails here
 * rather than in a user's first {@code docker compose up}. (No Docker engine or cluster runs in the tests: this
 * checks the files, not the containers.)
 */
class DeployConfigsTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Map<String, String> ENV = Map.of(
      "ORDERS_PASSWORD", "x", "AUDIT_PASSWORD", "x", "PORTCULLIS_OIDC_ISSUER", "https://idp.example.com");

  @TempDir
  Path tmp;

  @Test
  void composeGatewayConfigPublishesToKafkaWithASpoolOnItsVolume() throws IOException {
    GatewayConfig config = new ConfigLoader(ENV::get).load(DEPLOY.resolve("compose/portcullis.yaml"));
    assertEquals(EventsConfig.Sink.KAFKA, config.events().sink());
    assertEquals("kafka:9092", config.events().kafka().bootstrapServers());
    Map<String, Object> compose = yaml(DEPLOY.resolve("compose/compose.yaml"));
    List<String> gatewayVolumes = volumes(compose, "gateway");
    assertTrue(gatewayVolumes.contains("gateway-spool:" + config.events().kafka().spoolDir()), gatewayVolumes::toString);
    assertTrue(gatewayVolumes.contains("./portcullis.yaml:/etc/portcullis/portcullis.yaml:ro"), gatewayVolumes::toString);
    assertTrue(gatewayVolumes.contains("../../policies:/etc/portcullis/policies:ro"), gatewayVolumes::toString);
  }

  @Test
  void everyFileTheComposeFileMountsExists() throws IOException {
    Map<String, Object> compose = yaml(DEPLOY.resolve("compose/compose.yaml"));
    @SuppressWarnings("unchecked")
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    List<String> missing = new ArrayList<>();
    for (String service : services.keySet()) {
      for (String volume : volumes(compose, service)) {
        String source = volume.split(":")[0];
        if (source.startsWith(".") && !Files.exists(DEPLOY.resolve("compose").resolve(source))) {
          missing.add(service + ": " + source);
        }
      }
    }
    assertEquals(List.of(), missing);
  }

  @Test
  void kubernetesGatewayConfigMapHoldsAValidKafkaConfig() throws IOException {
    Path file = configMapFile("portcullis-gateway", "portcullis.yaml");
    Files.createDirectories(tmp.resolve("policies"));
    GatewayConfig config = new ConfigLoader(ENV::get).load(file);
    assertEquals(EventsConfig.Sink.KAFKA, config.events().sink());
    String gateway = Files.readString(DEPLOY.resolve("k8s/30-gateway.yaml"));
    assertTrue(gateway.contains("mountPath: " + config.events().kafka().spoolDir()), "spool volume not mounted");
  }

  @Test
  void kubernetesAuditConfigMapShareTheGatewaysTopicsAndVerifiesTheStore() throws IOException {
    AuditConfig audit = new AuditConfigLoader(ENV::get).load(configMapFile("portcullis-audit", "audit.yaml"));
    GatewayConfig gateway = new ConfigLoader(ENV::get).load(configMapFile("portcullis-gateway", "portcullis.yaml"));
    assertEquals(gateway.events().kafka().topicPrefix(), audit.kafka().topicPrefix());
    assertEquals(gateway.events().kafka().bootstrapServers(), audit.kafka().bootstrapServers());
    assertEquals(AuditConfig.StoreTls.Mode.VERIFY_FULL, audit.store().tls().mode());
  }

  @Test
  void composeAuditConsumersReadTheGatewaysTopics() {
    AuditConfig audit = new AuditConfigLoader(ENV::get).load(DEPLOY.resolve("compose/audit.yaml"));
    GatewayConfig gateway = new ConfigLoader(ENV::get).load(DEPLOY.resolve("compose/portcullis.yaml"));
    assertEquals(gateway.events().kafka().topicPrefix(), audit.kafka().topicPrefix());
    assertEquals(gateway.events().kafka().bootstrapServers(), audit.kafka().bootstrapServers());
  }

  @Test
  void theSampleConfigLoads() {
    GatewayConfig config = new ConfigLoader(ENV::get).load(DEPLOY.resolve("portcullis.yaml"));
    assertEquals(EventsConfig.Sink.JOURNAL, config.events().sink());
    assertEquals(9180, config.admin().port());
  }

  @Test
  void theSampleApproverBotConfigLoads() {
    var bot = new dev.portcullis.approval.chat.BotConfigLoader(
        java.util.Map.of("SLACK_BOT_TOKEN", "xoxb-test", "SLACK_SIGNING_SECRET", "s3cret")::get)
        .load(DEPLOY.resolve("approver-bot.yaml"));
    assertEquals("portcullis.", bot.kafka().topicPrefix());
  }

  /** Writes one file of a ConfigMap in {@code deploy/k8s/10-config.yaml} to the temp dir. */
  private Path configMapFile(String name, String key) throws IOException {
    for (Object doc : new Yaml().loadAll(Files.readString(DEPLOY.resolve("k8s/10-config.yaml")))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) doc;
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) map.get("metadata");
      if (name.equals(meta.get("name"))) {
        @SuppressWarnings("unchecked")
        Map<String, String> data = (Map<String, String>) map.get("data");
        return Files.writeString(tmp.resolve(key), data.get(key));
      }
    }
    throw new AssertionError("no ConfigMap " + name);
  }

  @SuppressWarnings("unchecked")
  private static List<String> volumes(Map<String, Object> compose, String service) {
    Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(service);
    return s.containsKey("volumes") ? (List<String>) s.get("volumes") : List.of();
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }
}
