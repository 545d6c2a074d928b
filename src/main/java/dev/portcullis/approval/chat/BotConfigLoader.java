package dev.portcullis.approval.chat;

import dev.portcullis.config.EnvInterpolation;
import dev.portcullis.config.Secret;
import dev.portcullis.config.YamlDocument;
import dev.portcullis.config.YamlException;
import dev.portcullis.config.YamlMap;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code bot.yaml} strictly, like the gateway's and the audit consumer's loaders: unknown keys, wrong types,
 * missing values and unset environment variables are errors naming {@code file:line:col}. Relative secret files
 * resolve against the config file's directory. Messages name variables and files, never a secret's value.
 */
public final class BotConfigLoader {
  /** Client properties the bot sets itself: its delivery guarantees depend on them. */
  public static final Set<String> RESERVED_PROPERTIES = YamlMap.allowed("bootstrap.servers", "group.id",
      "enable.auto.commit", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer", "acks",
      "enable.idempotence", "transactional.id");
  private static final Set<String> TOP = YamlMap.allowed("kafka", "chat");
  private static final Set<String> KAFKA = YamlMap.allowed("bootstrapServers", "topicPrefix", "groupId", "properties");
  private static final Set<String> CHAT = YamlMap.allowed("apiUrl", "botToken", "botTokenFile", "signingSecret",
      "signingSecretFile", "channel", "listen", "approvers");
  private static final Set<String> LISTEN = YamlMap.allowed("host", "port", "path");
  private static final Set<String> APPROVER = YamlMap.allowed("subject", "groups");

  private final Function<String, String> env;

  public BotConfigLoader() {
    this(System::getenv);
  }

  /** @param env the environment (tests pass a map's {@code get}) */
  public BotConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public BotConfig load(Path file) {
    Path base = file.toAbsolutePath().normalize().getParent();
    YamlMap top = YamlDocument.read(file, new EnvInterpolation(env)).root("approver-bot config", TOP);
    return new BotConfig(kafka(top.map("kafka", "kafka", KAFKA)), chat(top.map("chat", "chat", CHAT), base));
  }

  private static BotConfig.Kafka kafka(YamlMap k) {
    String servers = k.string("bootstrapServers");
    if (servers.isBlank()) {
      throw k.error("bootstrapServers", "kafka.bootstrapServers must name at least one host:port");
    }
    String groupId = k.string("groupId", "portcullis-approver-bot");
    if (groupId.isBlank()) {
      throw k.error("groupId", "kafka.groupId must not be empty");
    }
    Map<String, String> properties = k.stringMap("properties");
    for (String key : properties.keySet()) {
      if (RESERVED_PROPERTIES.contains(key)) {
        throw new YamlException(k.at("properties", key) + ": kafka.properties may not set '" + key
            + "': the approver-bot sets it itself (reserved: " + String.join(", ", RESERVED_PROPERTIES) + ")");
      }
    }
    return new BotConfig.Kafka(servers, k.string("topicPrefix", "portcullis."), groupId, properties);
  }

  private BotConfig.Chat chat(YamlMap c, Path base) {
    String apiUrl = apiUrl(c);
    Secret token = secret(c, "botToken", base);
    Secret signing = secret(c, "signingSecret", base);
    String channel = c.string("channel");
    if (channel.isBlank()) {
      throw c.error("channel", "chat.channel must name a channel id such as C0123");
    }
    YamlMap l = c.optionalMap("listen", "chat.listen", LISTEN);
    String host = l == null ? "127.0.0.1" : l.string("host", "127.0.0.1");
    int port = l == null ? 3000 : l.integer("port", 3000);
    if (port < 0 || port > 65535) {
      throw l.error("port", "chat.listen.port must be between 0 and 65535, got " + port);
    }
    String path = l == null ? BotConfig.DEFAULT_ACTIONS_PATH : l.string("path", BotConfig.DEFAULT_ACTIONS_PATH);
    if (!path.startsWith("/")) {
      throw l.error("path", "chat.listen.path must start with '/', got '" + path + "'");
    }
    Map<String, ChatApprover> approvers = new LinkedHashMap<>();
    for (Map.Entry<String, YamlMap> e : c.namedMaps("approvers", "chat.approvers", APPROVER).entrySet()) {
      YamlMap a = e.getValue();
      String subject = a.string("subject");
      if (subject.isBlank()) {
        throw a.error("subject", "chat.approvers." + e.getKey() + ".subject must not be empty");
      }
      approvers.put(e.getKey(), new ChatApprover(subject, a.strings("groups")));
    }
    if (approvers.isEmpty()) {
      throw c.error("approvers", "chat.approvers must map at least one chat user id to a subject and groups"
          + " (nobody could approve anything)");
    }
    return new BotConfig.Chat(apiUrl, token, signing, channel, host, port, path, approvers);
  }

  private static String apiUrl(YamlMap c) {
    String raw = c.string("apiUrl", "https://slack.com/api");
    try {
      URI uri = new URI(raw);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw c.error("apiUrl", "chat.apiUrl must be an http(s) URL such as https://slack.com/api, got '" + raw + "'");
      }
    } catch (URISyntaxException e) {
      throw c.error("apiUrl", "chat.apiUrl is not a URL: " + e.getReason());
    }
    return raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
  }

  /** {@code name} (a value, usually {@code ${ENV}}) or {@code nameFile}: exactly one of them. */
  private static Secret secret(YamlMap c, String name, Path base) {
    String fileKey = name + "File";
    if (c.has(name) && c.has(fileKey)) {
      throw c.error(fileKey, "chat: give " + name + " or " + fileKey + ", not both");
    }
    if (c.has(name)) {
      String value = c.string(name);
      if (value.isBlank()) {
        throw c.error(name, "chat." + name + " is empty");
      }
      return new Secret(value);
    }
    if (c.has(fileKey)) {
      Path file = base.resolve(c.string(fileKey)).normalize();
      String value;
      try {
        // a trailing newline is an editor's, not part of the secret
        value = Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
      } catch (IOException e) {
        throw c.error(fileKey, "chat: cannot read " + fileKey + " " + file + ": " + e.getClass().getSimpleName());
      }
      if (value.isBlank()) {
        throw c.error(fileKey, "chat." + fileKey + " " + file + " is empty");
      }
      return new Secret(value);
    }
    throw new YamlException(c.at() + ": missing required key '" + name + "' (or '" + fileKey + "') in chat");
  }
}
