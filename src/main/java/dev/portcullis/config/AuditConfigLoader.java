package dev.portcullis.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads {@code audit.yaml} strictly, like {@link ConfigLoader}: unknown keys, wrong types, missing values, unset
 * environment variables are errors with {@code file:line:col}. Relative paths resolve against the file's directory.
 */
public final class AuditConfigLoader {
  /** Consumer properties the audit consumer sets itself: overriding them would break its delivery guarantees. */
  public static final Set<String> RESERVED_PROPERTIES = YamlMap.allowed("bootstrap.servers", "group.id",
      "enable.auto.commit", "key.deserializer", "value.deserializer");
  private static final Set<String> TOP = YamlMap.allowed("kafka", "store");
  private static final Set<String> KAFKA = YamlMap.allowed("bootstrapServers", "topicPrefix", "groupId", "properties");
  private static final Set<String> STORE = YamlMap.allowed("host", "port", "database", "username", "passwordEnv",
      "passwordFile", "tls");
  private static final Set<String> TLS = YamlMap.allowed("mode", "caFile");

  private final Function<String, String> env;

  public AuditConfigLoader() {
    this(System::getenv);
  }

  /** @param env the environment (tests pass a map's {@code get}) */
  public AuditConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public AuditConfig load(Path file) {
    Path base = file.toAbsolutePath().normalize().getParent();
    YamlMap top = YamlDocument.read(file, new EnvInterpolation(env)).root("audit config", TOP);
    return new AuditConfig(kafka(top.map("kafka", "kafka", KAFKA)), store(top.map("store", "store", STORE), base));
  }

  /**
   * Only the {@code kafka:} section, for tools that read the topics and never the store ({@code replay --source
   * kafka}): the store's password need not be at hand.
   */
  public AuditConfig.Kafka loadKafka(Path file) {
    YamlMap top = YamlDocument.read(file, new EnvInterpolation(env)).root("audit config", TOP);
    return kafka(top.map("kafka", "kafka", KAFKA));
  }

  private static AuditConfig.Kafka kafka(YamlMap k) {
    Map<String, String> properties = new LinkedHashMap<>();
    YamlMap p = k.optionalMap("properties", "kafka.properties", null);
    if (p != null) {
      for (String key : p.keys()) {
        if (RESERVED_PROPERTIES.contains(key)) {
          throw p.error(key, "kafka.properties may not set '" + key + "': the audit consumer sets it itself"
              + " (reserved: " + String.join(", ", RESERVED_PROPERTIES) + ")");
        }
        properties.put(key, p.string(key));
      }
    }
    String prefix = k.string("topicPrefix", "portcullis.");
    String groupId = k.string("groupId", "portcullis-audit");
    if (groupId.isBlank()) {
      throw k.error("groupId", "kafka.groupId must not be empty");
    }
    return new AuditConfig.Kafka(k.string("bootstrapServers"), prefix, groupId, properties);
  }

  private AuditConfig.Store store(YamlMap s, Path base) {
    int port = s.integer("port", 5432);
    if (port < 1 || port > 65535) {
      throw s.error("port", "store.port must be between 1 and 65535, got " + port);
    }
    return new AuditConfig.Store(s.string("host", "127.0.0.1"), port, s.string("database", "audit"),
        s.string("username"), password(s, base), tls(s, base));
  }

  private Secret password(YamlMap s, Path base) {
    if (s.has("passwordEnv") && s.has("passwordFile")) {
      throw s.error("passwordFile", "store: give passwordEnv or passwordFile, not both");
    }
    if (s.has("passwordEnv")) {
      String variable = s.string("passwordEnv");
      String value = env.apply(variable);
      if (value == null) {
        throw s.error("passwordEnv", "store.passwordEnv names " + variable + ", which is not set in the environment");
      }
      return new Secret(value);
    }
    if (s.has("passwordFile")) {
      Path file = base.resolve(s.string("passwordFile")).normalize();
      try {
        // a trailing newline is an editor's, not part of the password
        return new Secret(Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", ""));
      } catch (IOException e) {
        throw s.error("passwordFile", "store: cannot read passwordFile " + file + ": " + e.getClass().getSimpleName());
      }
    }
    return null;
  }

  private static AuditConfig.StoreTls tls(YamlMap s, Path base) {
    YamlMap t = s.optionalMap("tls", "store.tls", TLS);
    if (t == null) {
      return AuditConfig.StoreTls.disabled();
    }
    String mode = t.oneOf("mode", Set.of("disable", "require", "verify-full"), "disable");
    Path ca = t.has("caFile") ? base.resolve(t.string("caFile")).normalize() : null;
    if (ca != null && !Files.isReadable(ca)) {
      throw t.error("caFile", "store.tls.caFile: cannot read " + ca);
    }
    return new AuditConfig.StoreTls(
        AuditConfig.StoreTls.Mode.valueOf(mode.toUpperCase(Locale.ROOT).replace('-', '_')), ca);
  }
}
