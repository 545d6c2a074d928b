package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;

/**
 * Counts the session events that pass through into {@link GatewayMetrics}, then hands them on. Counting published
 * facts (rather than hooks in the protocol code) keeps the PostgreSQL path untouched and the numbers equal to what
 * the audit trail says.
 */
public final class MeteredEventPublisher implements EventPublisher {
  private final EventPublisher next;
  private final GatewayMetrics metrics;

  public MeteredEventPublisher(EventPublisher next, GatewayMetrics metrics) {
    this.next = next;
    this.metrics = metrics;
  }

  @Override
  public void publish(SessionEvent event) {
    count(event);
    next.publish(event);
  }

  private void count(SessionEvent event) {
    switch (event.type()) {
      case EventType.SESSION_STARTED -> metrics.sessionStarted();
      case EventType.SESSION_ENDED -> metrics.sessionEnded();
      case EventType.STATEMENT_DECIDED -> {
        GatewayMetrics.StatementDecision d = statementDecision(event.details().get("decision"));
        if (d != null) {
          metrics.statementDecided(d);
        }
      }
      case EventType.APPROVAL_REQUESTED -> metrics.approvalRequested();
      case EventType.APPROVAL_DECIDED -> {
        if (event.details().get("outcome") instanceof String outcome) {
          try {
            metrics.approvalDecided(ApprovalDecision.Outcome.fromJson(outcome));
          } catch (IllegalArgumentException unknown) {
            // a newer outcome than this version knows: not counted rather than failing the publisher
          }
        }
      }
      default -> { }
    }
  }

  private static GatewayMetrics.StatementDecision statementDecision(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    for (GatewayMetrics.StatementDecision d : GatewayMetrics.StatementDecision.values()) {
      if (d.label().equals(s)) {
        return d;
      }
    }
    return null;
  }
}
