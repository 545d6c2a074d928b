package dev.portcullis.e2e;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.PostgresListenConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import dev.portcullis.testing.LocalPostgres;
import dev.portcullis.testing.TopicRecords;
import dev.portcullis.testing.TopicRecords.Rec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * What the Kafka-sink end-to-end tests share: the real test PostgreSQL (target {@code orders} = database
 * {@code app} as {@code gw_app}), a real OIDC issuer, the e2e policies, and a gateway config with {@code sink:
 * kafka} — for an in-process gateway ({@link #config}) or a child process ({@link #yaml}).
 */
final class KafkaGatewayFixture {
  static final String ISSUER_ID = "kafka-e2e";
  static final String AUDIENCE = "portcullis";
  private static MockOAuth2Server issuer;

  final LocalPostgres postgres = LocalPostgres.get();
  final Path work;
  final Path policies;
  final String prefix;
  final TopicRouting routing;

  KafkaGatewayFixture() throws IOException {
    this("e2e-" + UUID.randomUUID().toString().substring(0, 8) + ".");
  }

  /** @param prefix the topic prefix, e.g. one an audit consumer fixture created the topics with */
  KafkaGatewayFixture(String prefix) throws IOException {
    this.prefix = prefix;
    this.routing = new TopicRouting(prefix);
    work = Files.createTempDirectory("portcullis-kafka-e2e");
    policies = GatewayHarness.policiesDir(work, "/e2e/policies/agents.yaml");
  }

  static synchronized MockOAuth2Server issuer() {
    if (issuer == null) {
      issuer = new MockOAuth2Server();
      issuer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(issuer::shutdown, "kafka-e2e-issuer-stop"));
    }
    return issuer;
  }

  String issuerUrl() {
    return issuer().issuerUrl(ISSUER_ID).toString();
  }

  String token(String subject) {
    return issuer().issueToken(ISSUER_ID, subject, AUDIENCE, Map.of("groups", List.of("agents"))).serialize();
  }

  GatewayConfig config(int port, String servers, Path spool, EventsConfig.OnUnavailable on, Duration maxOutage) {
    EventsConfig events = new EventsConfig(EventsConfig.Sink.KAFKA, null, new EventsConfig.Kafka(servers, prefix,
        spool, 256L << 20, on, maxOutage, Map.of()));
    return new GatewayConfig("kafka-e2e",
        new PostgresListenConfig("127.0.0.1", port, null, false, Duration.ofSeconds(10), 200, 1 << 20),
        new OidcConfig(issuerUrl(), AUDIENCE, "groups", Duration.ofSeconds(5)),
        Map.of("orders", postgres.target("orders")), policies, events);
  }

  /** The same gateway as a {@code serve --config} file; the backend password comes from {@code passwordEnv}. */
  String yaml(int port, String servers, String passwordEnv) {
    return """
        gatewayId: kafka-e2e-child
        listen: { postgres: { host: 127.0.0.1, port: %d } }
        oidc: { issuer: "%s", audience: %s }
        targets:
          orders: { type: postgres, host: 127.0.0.1, port: %d, database: %s, username: %s, passwordEnv: %s,
                    tls: { mode: disable } }
        policies: policies
        events:
          sink: kafka
          kafka:
            bootstrapServers: "%s"
            topicPrefix: "%s"
            spool: { dir: spool, maxBytes: 64MiB }
            maxOutage: 5m
        """.formatted(port, issuerUrl(), AUDIENCE, postgres.port(), LocalPostgres.DATABASE, LocalPostgres.APP_ROLE,
        passwordEnv, servers, prefix);
  }

  String backendPassword() {
    return postgres.password(LocalPostgres.APP_ROLE).reveal();
  }

  static Connection connect(int port, String token) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "agent");
    p.setProperty("password", token);
    p.setProperty("sslmode", "require");
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/orders", p);
  }

  /** The sessions topic's events, first occurrence of each id (consumers dedupe by id), grouped by session. */
  static Map<String, List<SessionEvent>> dedupedBySession(List<Rec> records) {
    Map<String, List<SessionEvent>> sessions = new LinkedHashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Rec r : records) {
      SessionEvent e = EventJson.decode(r.value());
      if (seen.add(e.id())) {
        sessions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(e);
      }
    }
    return sessions;
  }

  /**
   * Reads the sessions topic until every subject listed has ended {@code sessions} sessions each (or 90 s pass).
   */
  List<Rec> readUntilEnded(String servers, Map<String, Integer> sessionsBySubject) {
    return TopicRecords.readUntil(servers, List.of(routing.topicFor("session.started")),
        read -> endedBySubject(dedupedBySession(read)).entrySet().containsAll(sessionsBySubject.entrySet()),
        Duration.ofSeconds(90));
  }

  /** How many sessions of each subject have their {@code session.ended}. */
  static Map<String, Integer> endedBySubject(Map<String, List<SessionEvent>> sessions) {
    Map<String, Integer> ended = new LinkedHashMap<>();
    for (List<SessionEvent> events : sessions.values()) {
      for (SessionEvent e : events) {
        if (e.type().equals("session.ended")) {
          ended.merge(e.session().identity().subject(), 1, Integer::sum);
        }
      }
    }
    return ended;
  }

  /**
   * Checks one session's deduplicated events: started first, then for each statement n = 1.. its decided before
   * its completed, in statement order, ended last; returns how many statements were {@code SELECT}s (pgjdbc adds a
   * {@code SET application_name} of its own).
   */
  static int assertSessionInOrder(List<SessionEvent> events) {
    java.util.function.Supplier<String> all = () -> events.stream().map(e -> e.type() + " "
        + e.details().getOrDefault("statementId", "") + " " + e.details().getOrDefault("text", "")).toList().toString();
    org.junit.jupiter.api.Assertions.assertEquals("session.started", events.get(0).type(), all);
    org.junit.jupiter.api.Assertions.assertEquals("session.ended", events.get(events.size() - 1).type(), all);
    org.junit.jupiter.api.Assertions.assertEquals(0, events.size() % 2, all);
    String sessionId = events.get(0).session().sessionId();
    int selects = 0;
    for (int i = 1, n = 1; i < events.size() - 1; i += 2, n++) {
      SessionEvent decided = events.get(i);
      SessionEvent completed = events.get(i + 1);
      String statementId = sessionId + "/" + n;
      org.junit.jupiter.api.Assertions.assertEquals(List.of("statement.decided", statementId),
          List.of(decided.type(), decided.details().get("statementId")), all);
      org.junit.jupiter.api.Assertions.assertEquals(List.of("statement.completed", statementId),
          List.of(completed.type(), completed.details().get("statementId")), all);
      if (String.valueOf(decided.details().get("text")).startsWith("SELECT ")) {
        selects++;
      }
    }
    return selects;
  }
}
