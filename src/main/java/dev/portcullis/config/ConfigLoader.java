package dev.portcullis.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the gateway config (design-notes §2) strictly: unknown keys, wrong types, missing required values, unset
 * environment variables are errors with {@code file:line:col}. Each target's keys are checked against its
 * {@code type} ({@code postgres} or {@code ssh}), so a PostgreSQL key on an SSH target is an error too. Relative paths resolve against the config file's directory.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = YamlMap.allowed("listen", "oidc", "targets", "policies", "events",
      "gatewayId", "masking", "approvals");
  private static final Set<String> MASKING = YamlMap.allowed("hashKeyFile");
  private static final Set<String> LISTEN = YamlMap.allowed("postgres", "ssh", "admin");
  private static final Set<String> PG_LISTEN = YamlMap.allowed("host", "port", "tls", "allowPlaintext",
      "startupTimeout", "maxConnections", "maxMessageBytes");
  private static final Set<String> TLS_FILES = YamlMap.allowed("cert", "key");
  private static final Set<String> ADMIN_LISTEN = YamlMap.allowed("host", "port", "tls");
  private static final Set<String> APPROVALS = YamlMap.allowed("audience");
  private static final Set<String> OIDC = YamlMap.allowed("issuer", "audience", "groupsClaim", "clockSkew");
  private static final Set<String> PG_TARGET = YamlMap.allowed("type", "host", "port", "database", "username",
      "passwordEnv", "passwordFile", "tls", "allowPrivilegedBackend");
  private static final Set<String> SSH_LISTEN = YamlMap.allowed("host", "port", "hostKey", "userCa",
      "maxCertificateValidity", "authTimeout", "idleTimeout", "maxSessions", "maxSessionsPerIdentity",
      "maxChannelsPerSession");
  private static final Set<String> SSH_TARGET = YamlMap.allowed("type", "host", "port", "username",
      "privateKeyFile", "hostKey");
  /** Host key algorithms a pinned {@code hostKey} line may name (what MINA's client verifies here). */
  private static final Set<String> HOST_KEY_TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa");
  private static final Set<String> UPSTREAM_TLS = YamlMap.allowed("mode", "caFile");
  private static final Set<String> EVENTS = YamlMap.allowed("sink", "journal", "kafka");
  private static final Set<String> KAFKA = YamlMap.allowed("bootstrapServers", "topicPrefix", "spool",
      "onUnavailable", "maxOutage", "properties");
  private static final Set<String> SPOOL = YamlMap.allowed("dir", "maxBytes");
  /** A spool smaller than this could not hold one large batch; surely a unit mistake (maxBytes: 1024). */
  private static final long MIN_SPOOL_BYTES = 1L << 20;

  private final Function<String, String> env;

  /** Reads {@code ${VAR}} and {@code passwordEnv} from the process environment. */
  public ConfigLoader() {
    this(System::getenv);
  }

  /** @param env the environment (tests pass a map's {@code get}) */
  public ConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public GatewayConfig load(Path file) {
    Path base = file.toAbsolutePath().normalize().getParent();
    YamlMap top = YamlDocument.read(file, new EnvInterpolation(env)).root("gateway config", TOP);
    PostgresListenConfig postgres = listen(top, base);
    if (!top.has("oidc")) {
      throw top.error("oidc", "missing required key 'oidc' (the issuer whose tokens agents present)");
    }
    OidcConfig oidc = oidc(top.map("oidc", "oidc", OIDC));
    Map<String, TargetConfig> targets = new LinkedHashMap<>();
    Map<String, SshTargetConfig> sshTargets = new LinkedHashMap<>();
    Set<String> targetKeys = new java.util.LinkedHashSet<>(PG_TARGET);
    targetKeys.addAll(SSH_TARGET);
    top.namedMaps("targets", "target", targetKeys).forEach((name, t) -> {
      if (t.string("type", "postgres").equals("ssh")) {
        sshTargets.put(name, sshTarget(name, t, base));
      } else {
        targets.put(name, target(name, t, base));
      }
    });
    if (targets.isEmpty() && sshTargets.isEmpty()) {
      throw top.error("targets", "no targets configured (expected 'targets:' with at least one target)");
    }
    Path policies = base.resolve(top.string("policies", "policies")).normalize();
    EventsConfig events = events(top.optionalMap("events", "events", EVENTS), base);
    String gatewayId = top.string("gatewayId", defaultGatewayId());
    YamlMap masking = top.optionalMap("masking", "masking", MASKING);
    Path maskingKey = masking == null || !masking.has("hashKeyFile") ? null
        : base.resolve(masking.string("hashKeyFile")).normalize();
    return new GatewayConfig(gatewayId, postgres, oidc, targets, policies, events, maskingKey,
        adminListen(top, base), approvals(top, oidc), sshListen(top, base), sshTargets);
  }

  /** {@code listen.ssh}, or {@code null} when absent: no SSH listener unless asked for. */
  private static SshListenConfig sshListen(YamlMap top, Path base) {
    YamlMap listen = top.optionalMap("listen", "listen", LISTEN);
    YamlMap ssh = listen == null ? null : listen.optionalMap("ssh", "listen.ssh", SSH_LISTEN);
    if (ssh == null) {
      return null;
    }
    // The host key is the gateway's identity to every agent: a default next to the config keeps it across restarts.
    Path hostKey = base.resolve(ssh.string("hostKey", "data/ssh_host_key")).normalize();
    // The user CA signs agents' certificates (portcullis ssh-cert); by default it lives beside the host key.
    Path userCa = ssh.has("userCa") ? base.resolve(ssh.string("userCa")).normalize()
        : SshListenConfig.defaultUserCa(hostKey);
    java.time.Duration maxValidity = positive(ssh, "maxCertificateValidity",
        ssh.duration("maxCertificateValidity", SshListenConfig.DEFAULT_MAX_CERTIFICATE_VALIDITY));
    SshLimits d = SshLimits.DEFAULTS;
    SshLimits limits = new SshLimits(
        positive(ssh, "authTimeout", ssh.duration("authTimeout", d.authTimeout())),
        positive(ssh, "idleTimeout", ssh.duration("idleTimeout", d.idleTimeout())),
        atLeastOne(ssh, "maxSessions", ssh.integer("maxSessions", d.maxSessions())),
        atLeastOne(ssh, "maxSessionsPerIdentity", ssh.integer("maxSessionsPerIdentity", d.maxSessionsPerIdentity())),
        atLeastOne(ssh, "maxChannelsPerSession", ssh.integer("maxChannelsPerSession", d.maxChannelsPerSession())));
    return new SshListenConfig(ssh.string("host", "127.0.0.1"), port(ssh, SshListenConfig.DEFAULT_PORT), hostKey,
        userCa, maxValidity, limits);
  }

  private static SshTargetConfig sshTarget(String name, YamlMap t, Path base) {
    for (String key : t.keys()) {
      if (!SSH_TARGET.contains(key)) {
        throw t.error(key, "unknown key '" + key + "' in SSH target '" + name + "' (expected one of: "
            + String.join(", ", SSH_TARGET) + ")");
      }
    }
    String hostKey = t.string("hostKey").trim();
    String[] parts = hostKey.split("\\s+");
    if (parts.length < 2 || !HOST_KEY_TYPES.contains(parts[0])) {
      throw t.error("hostKey", "target '" + name + "': hostKey must be an OpenSSH public key line such as "
          + "'ssh-ed25519 AAAA…' (types: " + String.join(", ", new java.util.TreeSet<>(HOST_KEY_TYPES)) + ")");
    }
    try {
      java.util.Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw t.error("hostKey", "target '" + name + "': hostKey's key data is not base64");
    }
    Path key = base.resolve(t.string("privateKeyFile")).normalize();
    if (!Files.isReadable(key)) {
      throw t.error("privateKeyFile", "target '" + name + "': cannot read privateKeyFile " + key);
    }
    return new SshTargetConfig(name, t.string("host"), port(t, 22), t.string("username"), key,
        parts[0] + " " + parts[1]);
  }

  private PostgresListenConfig listen(YamlMap top, Path base) {
    YamlMap listen = top.optionalMap("listen", "listen", LISTEN);
    YamlMap pg = null;
    if (listen != null) {
      pg = listen.optionalMap("postgres", "listen.postgres", PG_LISTEN);
    }
    if (pg == null) {
      return new PostgresListenConfig("127.0.0.1", 15432, null, false,
          PostgresListenConfig.DEFAULT_STARTUP_TIMEOUT, PostgresListenConfig.DEFAULT_MAX_CONNECTIONS,
          PostgresListenConfig.DEFAULT_MAX_MESSAGE_BYTES);
    }
    TlsFiles tls = null;
    YamlMap t = pg.optionalMap("tls", "listen.postgres.tls", TLS_FILES);
    if (t != null) {
      tls = new TlsFiles(base.resolve(t.string("cert")).normalize(), base.resolve(t.string("key")).normalize());
    }
    return new PostgresListenConfig(
        pg.string("host", "127.0.0.1"),
        port(pg, 15432),
        tls,
        pg.bool("allowPlaintext", false),
        positive(pg, "startupTimeout", pg.duration("startupTimeout", PostgresListenConfig.DEFAULT_STARTUP_TIMEOUT)),
        atLeastOne(pg, "maxConnections", pg.integer("maxConnections", PostgresListenConfig.DEFAULT_MAX_CONNECTIONS)),
        atLeastOne(pg, "maxMessageBytes",
            pg.integer("maxMessageBytes", PostgresListenConfig.DEFAULT_MAX_MESSAGE_BYTES)));
  }

  /** {@code listen.admin}, or {@code null} when absent: no admin listener unless asked for. */
  private static AdminListenConfig adminListen(YamlMap top, Path base) {
    YamlMap listen = top.optionalMap("listen", "listen", LISTEN);
    YamlMap admin = listen == null ? null : listen.optionalMap("admin", "listen.admin", ADMIN_LISTEN);
    if (admin == null) {
      return null;
    }
    if (!admin.has("port")) {
      // No default port: a second listener appearing on a guessed port would surprise whoever runs the host.
      throw admin.error("port", "missing required key 'port' in listen.admin");
    }
    YamlMap t = admin.optionalMap("tls", "listen.admin.tls", TLS_FILES);
    TlsFiles tls = t == null ? null
        : new TlsFiles(base.resolve(t.string("cert")).normalize(), base.resolve(t.string("key")).normalize());
    return new AdminListenConfig(admin.string("host", AdminListenConfig.DEFAULT_HOST), port(admin, 0), tls);
  }

  private static ApprovalsConfig approvals(YamlMap top, OidcConfig oidc) {
    YamlMap a = top.optionalMap("approvals", "approvals", APPROVALS);
    if (a == null) {
      return ApprovalsConfig.DEFAULTS;
    }
    String audience = a.string("audience", ApprovalsConfig.DEFAULT_AUDIENCE);
    if (audience.isBlank()) {
      throw a.error("audience", "approvals.audience must not be empty");
    }
    if (audience.equals(oidc.audience())) {
      // The whole point of a separate audience: an agent's own token must never be accepted by the approval API.
      throw a.error("audience", "approvals.audience must differ from oidc.audience ('" + audience
          + "'), or agents' tokens could approve statements");
    }
    return new ApprovalsConfig(audience);
  }

  private static OidcConfig oidc(YamlMap o) {
    String issuer = o.string("issuer");
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw o.error("issuer", "oidc.issuer must be an http(s) URL, got '" + issuer + "'");
    }
    return new OidcConfig(issuer, o.string("audience", null), o.string("groupsClaim", "groups"),
        o.duration("clockSkew", OidcConfig.DEFAULT_CLOCK_SKEW));
  }

  private TargetConfig target(String name, YamlMap t, Path base) {
    String type = t.string("type", "postgres");
    if (!type.equals("postgres")) {
      throw t.error("type", "target '" + name + "': unknown type '" + type + "' (expected: postgres, ssh)");
    }
    for (String key : t.keys()) {
      if (!PG_TARGET.contains(key)) {
        throw t.error(key, "unknown key '" + key + "' in target '" + name + "' (expected one of: "
            + String.join(", ", PG_TARGET) + ")");
      }
    }
    String host = t.string("host");
    return new TargetConfig(name, type, host, port(t, 5432), t.string("database"), t.string("username"),
        password(name, t, base), upstreamTls(t, host, base), t.bool("allowPrivilegedBackend", false));
  }

  private Secret password(String target, YamlMap t, Path base) {
    if (t.has("passwordEnv") && t.has("passwordFile")) {
      throw t.error("passwordFile", "target '" + target + "': give passwordEnv or passwordFile, not both");
    }
    if (t.has("passwordEnv")) {
      String variable = t.string("passwordEnv");
      String value = env.apply(variable);
      if (value == null) {
        throw t.error("passwordEnv", "target '" + target + "': passwordEnv names " + variable
            + ", which is not set in the environment");
      }
      return new Secret(value);
    }
    if (t.has("passwordFile")) {
      Path file = base.resolve(t.string("passwordFile")).normalize();
      try {
        // a trailing newline is an editor's, not part of the password
        return new Secret(Files.readString(file, StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", ""));
      } catch (IOException e) {
        throw t.error("passwordFile", "target '" + target + "': cannot read passwordFile " + file + ": "
            + e.getClass().getSimpleName());
      }
    }
    return null;
  }

  private static TargetConfig.UpstreamTls upstreamTls(YamlMap t, String host, Path base) {
    boolean local = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
    YamlMap tls = t.optionalMap("tls", "target tls", UPSTREAM_TLS);
    if (tls == null) {
      // off the local host the default verifies, so a config never silently talks to an impostor
      return local ? TargetConfig.UpstreamTls.disabled()
          : new TargetConfig.UpstreamTls(TargetConfig.UpstreamTls.Mode.VERIFY_FULL, null);
    }
    String mode = tls.oneOf("mode", Set.of("disable", "require", "verify-full"), local ? "disable" : "verify-full");
    Path ca = tls.has("caFile") ? base.resolve(tls.string("caFile")).normalize() : null;
    return new TargetConfig.UpstreamTls(
        TargetConfig.UpstreamTls.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT).replace('-', '_')), ca);
  }

  private static EventsConfig events(YamlMap e, Path base) {
    Path defaultJournal = base.resolve("data/journal").normalize();
    if (e == null) {
      return new EventsConfig(EventsConfig.Sink.JOURNAL, defaultJournal, null);
    }
    String sink = e.oneOf("sink", Set.of("journal", "kafka"), "journal");
    YamlMap journal = e.optionalMap("journal", "events.journal", Set.of("dir"));
    Path dir = journal != null && journal.has("dir") ? base.resolve(journal.string("dir")).normalize()
        : defaultJournal;
    YamlMap k = e.optionalMap("kafka", "events.kafka", KAFKA);
    EventsConfig.Kafka kafka = null;
    if (k != null) {
      kafka = kafka(k, base);
    } else if (sink.equals("kafka")) {
      throw e.error("sink", "events.sink is kafka but events.kafka { bootstrapServers } is missing");
    }
    return new EventsConfig(sink.equals("kafka") ? EventsConfig.Sink.KAFKA : EventsConfig.Sink.JOURNAL, dir,
        sink.equals("kafka") ? kafka : null);
  }

  private static EventsConfig.Kafka kafka(YamlMap k, Path base) {
    String servers = k.string("bootstrapServers");
    if (servers.isBlank()) {
      throw k.error("bootstrapServers", "events.kafka.bootstrapServers must name at least one host:port");
    }
    YamlMap spool = k.optionalMap("spool", "events.kafka.spool", SPOOL);
    Path spoolDir = base.resolve(spool != null ? spool.string("dir", "data/spool") : "data/spool").normalize();
    long maxBytes = spool != null ? spool.bytes("maxBytes", EventsConfig.Kafka.DEFAULT_SPOOL_MAX_BYTES)
        : EventsConfig.Kafka.DEFAULT_SPOOL_MAX_BYTES;
    if (maxBytes < MIN_SPOOL_BYTES) {
      throw spool.error("maxBytes", "events.kafka.spool.maxBytes must be at least 1MiB, got " + maxBytes + " bytes");
    }
    String on = k.oneOf("onUnavailable", Set.of("refuse-sessions", "keep-serving"), "refuse-sessions");
    java.time.Duration maxOutage = positive(k, "maxOutage",
        k.duration("maxOutage", EventsConfig.Kafka.DEFAULT_MAX_OUTAGE));
    Map<String, String> properties = k.stringMap("properties");
    for (String key : properties.keySet()) {
      if (EventsConfig.Kafka.RESERVED_PROPERTIES.contains(key)) {
        throw new YamlException(k.at("properties", key) + ": events.kafka.properties may not set '" + key
            + "': Portcullis sets it itself (delivery order and idempotence depend on it); reserved: "
            + String.join(", ", new java.util.TreeSet<>(EventsConfig.Kafka.RESERVED_PROPERTIES)));
      }
    }
    return new EventsConfig.Kafka(servers, k.string("topicPrefix", EventsConfig.Kafka.DEFAULT_TOPIC_PREFIX),
        spoolDir, maxBytes, on.equals("keep-serving") ? EventsConfig.OnUnavailable.KEEP_SERVING
            : EventsConfig.OnUnavailable.REFUSE_SESSIONS, maxOutage, properties);
  }

  private static int port(YamlMap m, int otherwise) {
    int port = m.integer("port", otherwise);
    if (port < 0 || port > 65535) {
      throw m.error("port", "port must be between 0 and 65535, got " + port);
    }
    return port;
  }

  private static int atLeastOne(YamlMap m, String key, int value) {
    if (value < 1) {
      throw m.error(key, key + " must be at least 1, got " + value);
    }
    return value;
  }

  private static java.time.Duration positive(YamlMap m, String key, java.time.Duration value) {
    if (value.isZero()) {
      throw m.error(key, key + " must be longer than 0");
    }
    return value;
  }

  private String defaultGatewayId() {
    String host = env.apply("HOSTNAME");
    return host != null && !host.isBlank() ? host : "portcullis";
  }
}
