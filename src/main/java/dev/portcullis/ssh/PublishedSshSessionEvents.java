package dev.portcullis.ssh;

import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SshSessionEvents} as session events with {@code protocol: "ssh"}. {@code session.started} and
 * {@code session.ended} use the shared factories; the SQL-shaped {@code statement.*} factories do not fit an SSH
 * channel (they take SQL statement kinds), so those two details are built here with the fields of the shared
 * contract until the recording helper's SSH factories land in {@link SessionEvents}. The SQL fields the current
 * schemas require are present (empty or null); the schemas' {@code queryProtocol} enum and {@code error} shape
 * still need the recording helper's SSH update.
 */
public final class PublishedSshSessionEvents implements SshSessionEvents {
  public static final String PROTOCOL = "ssh";
  private final EventPublisher events;
  private final String gatewayId;

  public PublishedSshSessionEvents(EventPublisher events, String gatewayId) {
    this.events = events;
    this.gatewayId = gatewayId;
  }

  private SessionInfo info(AgentSession s) {
    return new SessionInfo(s.sessionId(), gatewayId, s.identity(), s.target().name(), PROTOCOL);
  }

  @Override
  public void started(AgentSession session) {
    // tls: false — the field means TLS; SSH's own encryption is implied by protocol "ssh".
    events.publish(SessionEvents.started(info(session), session.clientAddress(), session.clientVersion(), false,
        List.of()));
  }

  @Override
  public void decided(AgentSession session, String statementId, SshChannelRequest request, SshVerdict verdict) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", statementId);
    d.put("text", request.text());
    d.put("fingerprint", request.text()); // no literals to replace in a command line
    d.put("kinds", List.of(request.kind().yamlName()));
    d.put("tables", List.of());
    d.put("functions", List.of());
    d.put("decision", verdict instanceof SshVerdict.Allow ? "allow" : "deny");
    d.put("policy", null); // SshVerdict does not name them yet; the policy helper's SshJudgement will
    d.put("rule", null);
    d.put("reason", verdict instanceof SshVerdict.Deny deny ? deny.reason() : null);
    d.put("queryProtocol", PROTOCOL);
    events.publish(SessionEvent.of(EventType.STATEMENT_DECIDED, info(session), d));
  }

  @Override
  public void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal,
      String error, long durationMs) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", statementId);
    d.put("commandTag", null);
    d.put("rows", null);
    d.put("durationMs", durationMs);
    d.put("exitStatus", exitStatus);
    d.put("exitSignal", exitSignal);
    d.put("error", error == null ? null : Map.of("message", error));
    events.publish(SessionEvent.of(EventType.STATEMENT_COMPLETED, info(session), d));
  }

  @Override
  public void ended(AgentSession session, String reason) {
    events.publish(SessionEvents.ended(info(session), reason,
        Duration.between(session.startedAt(), Instant.now()).toMillis(), session.statements()));
  }
}
