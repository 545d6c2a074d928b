package dev.portcullis.events;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed constructors for the event types, so protocol code never builds detail maps by hand and the field names
 * stay those of the JSON Schemas.
 */
public final class SessionEvents {
  private SessionEvents() {}

  public static SessionEvent started(SessionInfo s, String clientAddress, String applicationName, boolean tls,
      List<String> policies) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("clientAddress", clientAddress);
    d.put("applicationName", applicationName);
    d.put("tls", tls);
    d.put("policies", List.copyOf(policies));
    return SessionEvent.of(EventType.SESSION_STARTED, s, d);
  }

  public static SessionEvent ended(SessionInfo s, String reason, long durationMs, long statements) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", reason);
    d.put("durationMs", durationMs);
    d.put("statements", statements);
    return SessionEvent.of(EventType.SESSION_ENDED, s, d);
  }

  /** {@code queryProtocol} is {@code simple} or {@code extended} (which PostgreSQL sub-protocol carried it). */
  public static SessionEvent decided(SessionInfo s, String statementId, JudgedStatement st, String protocol) {
    Decision decision = st.decision();
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", statementId);
    d.put("text", st.text());
    d.put("fingerprint", st.fingerprint());
    d.put("kinds", st.kinds().stream().map(StatementKind::yamlName).sorted().toList());
    d.put("tables", st.tables());
    d.put("functions", st.functions());
    d.put("decision", decisionName(decision));
    d.put("policy", decision.policy());
    d.put("rule", decision.rule());
    d.put("reason", decision.reason());
    d.put("queryProtocol", protocol);
    return SessionEvent.of(EventType.STATEMENT_DECIDED, s, d);
  }

  /** {@code rows} is null when the command tag has no row count; {@code errorSqlState} null on success. */
  public static SessionEvent completed(SessionInfo s, String statementId, String commandTag, Long rows,
      long durationMs, String errorSqlState, String errorMessage) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", statementId);
    d.put("commandTag", commandTag);
    d.put("rows", rows);
    d.put("durationMs", durationMs);
    d.put("error", errorSqlState == null ? null : Map.of("sqlState", errorSqlState,
        "message", errorMessage == null ? "" : errorMessage));
    return SessionEvent.of(EventType.STATEMENT_COMPLETED, s, d);
  }

  public static String decisionName(Decision decision) {
    if (decision instanceof Decision.Allow) {
      return "allow";
    }
    return decision instanceof Decision.Review ? "review" : "deny";
  }
}
