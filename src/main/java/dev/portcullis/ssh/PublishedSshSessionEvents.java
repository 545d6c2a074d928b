package dev.portcullis.ssh;

import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link SshSessionEvents} as session events with {@code protocol: "ssh"}, all built by the shared factories of
 * {@link SessionEvents} (the SSH ones: {@code decidedSsh}, {@code exited}), so they match the published schemas.
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
    events.publish(SessionEvents.decidedSsh(info(session), statementId, request.text(),
        List.of(request.kind().yamlName()), verdict.decision()));
  }

  @Override
  public void completed(AgentSession session, String statementId, Integer exitStatus, String exitSignal,
      String error, long durationMs) {
    events.publish(SessionEvents.exited(info(session), statementId, durationMs, exitStatus, exitSignal, error));
  }

  @Override
  public void ended(AgentSession session, String reason) {
    events.publish(SessionEvents.ended(info(session), reason,
        Duration.between(session.startedAt(), Instant.now()).toMillis(), session.statements()));
  }
}
