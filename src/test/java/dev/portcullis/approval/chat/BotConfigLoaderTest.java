package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.YamlException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BotConfigLoaderTest {
  private static final Map<String, String> ENV = Map.of("SLACK_BOT_TOKEN", "xoxb-secret-token",
      "SLACK_SIGNING_SECRET", "signing-secret-value");

  @TempDir
  Path dir;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("bot.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private BotConfig load(String yaml) throws Exception {
    return new BotConfigLoader(ENV::get).load(write(yaml));
  }

  private String error(String yaml) throws Exception {
    Path file = write(yaml);
    String message = assertThrows(YamlException.class, () -> new BotConfigLoader(ENV::get).load(file)).getMessage();
    assertFalse(message.contains("xoxb-secret-token") || message.contains("signing-secret-value"), message);
    return message;
  }

  private static final String VALID = """
      kafka:
        bootstrapServers: "127.0.0.1:9092"
        topicPrefix: "test."
        groupId: bots
        properties: { security.protocol: SSL }
      chat:
        apiUrl: https://slack.example/api/
        botToken: ${SLACK_BOT_TOKEN}
        signingSecret: ${SLACK_SIGNING_SECRET}
        channel: C0123
        listen: { host: 0.0.0.0, port: 3001, path: /hooks/slack }
        approvers:
          U111: { subject: alice, groups: [db-owners] }
          U222: { subject: bob }
      """;

  @Test
  void readsAFullConfig() throws Exception {
    BotConfig c = load(VALID);
    assertEquals(new BotConfig.Kafka("127.0.0.1:9092", "test.", "bots", Map.of("security.protocol", "SSL")),
        c.kafka());
    assertEquals("https://slack.example/api", c.chat().apiUrl());
    assertEquals("xoxb-secret-token", c.chat().botToken().reveal());
    assertEquals("signing-secret-value", c.chat().signingSecret().reveal());
    assertEquals("C0123", c.chat().channel());
    assertEquals("0.0.0.0", c.chat().host());
    assertEquals(3001, c.chat().port());
    assertEquals("/hooks/slack", c.chat().actionsPath());
    assertEquals(Map.of("U111", new ChatApprover("alice", List.of("db-owners")),
        "U222", new ChatApprover("bob", List.of())), c.chat().approvers());
    assertFalse(c.toString().contains("xoxb-secret-token"), "a secret must not show in toString");
  }

  @Test
  void defaultsAndSecretFiles() throws Exception {
    Files.writeString(dir.resolve("token"), "xoxb-from-file\n");
    Files.writeString(dir.resolve("signing"), "signing-from-file");
    BotConfig c = load("""
        kafka: { bootstrapServers: "k:9092" }
        chat:
          botTokenFile: token
          signingSecretFile: signing
          channel: C9
          approvers: { U1: { subject: alice, groups: [ops] } }
        """);
    assertEquals("portcullis.", c.kafka().topicPrefix());
    assertEquals("portcullis-approver-bot", c.kafka().groupId());
    assertEquals("https://slack.com/api", c.chat().apiUrl());
    assertEquals("xoxb-from-file", c.chat().botToken().reveal());
    assertEquals("signing-from-file", c.chat().signingSecret().reveal());
    assertEquals("127.0.0.1", c.chat().host());
    assertEquals(3000, c.chat().port());
    assertEquals("/slack/actions", c.chat().actionsPath());
  }

  @Test
  void unknownKeysAreErrorsNamingFileAndLine() throws Exception {
    String m = error(VALID.replace("channel: C0123", "chanel: C0123"));
    assertTrue(m.matches(".*bot\\.yaml:10:3: unknown key 'chanel' in chat .*"), m);
    m = error(VALID.replace("U222: { subject: bob }", "U222: { subject: bob, group: [x] }"));
    assertTrue(m.matches(".*bot\\.yaml:14:\\d+: unknown key 'group' in chat\\.approvers 'U222'.*"), m);
    m = error(VALID + "extra: 1\n");
    assertTrue(m.contains("bot.yaml:15:1: unknown key 'extra'"), m);
  }

  @Test
  void missingWrongOrConflictingValuesAreErrors() throws Exception {
    assertTrue(error(VALID.replace("  botToken: ${SLACK_BOT_TOKEN}\n", ""))
        .contains("missing required key 'botToken' (or 'botTokenFile') in chat"));
    Files.writeString(dir.resolve("token"), "t");
    assertTrue(error(VALID.replace("botToken: ${SLACK_BOT_TOKEN}", "botToken: ${SLACK_BOT_TOKEN}\n  botTokenFile: token"))
        .contains("give botToken or botTokenFile, not both"));
    assertTrue(error(VALID.replace("${SLACK_SIGNING_SECRET}", "${NOT_SET}"))
        .contains("bot.yaml:9:18: environment variable NOT_SET is not set"));
    assertTrue(error(VALID.replace("signingSecret: ${SLACK_SIGNING_SECRET}", "signingSecretFile: nothing-here"))
        .contains("cannot read signingSecretFile"));
    assertTrue(error(VALID.replace("security.protocol: SSL", "acks: \"1\""))
        .contains("kafka.properties may not set 'acks'"));
    assertTrue(error(VALID.replace("port: 3001", "port: lots")).contains("'port' in chat.listen must be an integer"));
    assertTrue(error(VALID.replace("apiUrl: https://slack.example/api/", "apiUrl: slack.example"))
        .contains("chat.apiUrl must be an http(s) URL"));
    assertTrue(error(VALID.replace("path: /hooks/slack", "path: hooks")).contains("must start with '/'"));
    assertTrue(error(VALID.replace("groups: [db-owners]", "groups: db-owners"))
        .contains("'groups' in chat.approvers 'U111' must be a list of strings"));
    assertTrue(error(VALID.substring(0, VALID.indexOf("  approvers:")))
        .contains("chat.approvers must map at least one chat user id"));
    assertTrue(error("kafka: { bootstrapServers: k }\n").contains("missing required key 'chat'"));
  }
}
