package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.kafka.DeliveryHealth;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /metrics}: every counter of {@link MetricSources} in Prometheus text format. No token needed. */
final class MetricsPage {
  private final MetricSources sources;

  MetricsPage(MetricSources sources) {
    this.sources = sources;
  }

  String render() {
    GatewayMetrics g = sources.gateway();
    Map<String, Long> decisions = new LinkedHashMap<>();
    for (GatewayMetrics.StatementDecision d : GatewayMetrics.StatementDecision.values()) {
      decisions.put(d.label(), g.statementsDecided(d));
    }
    Map<String, Long> outcomes = new LinkedHashMap<>();
    for (ApprovalDecision.Outcome o : ApprovalDecision.Outcome.values()) {
      outcomes.put(o.jsonName(), g.approvalsDecided(o));
    }
    PublisherStats events = sources.publisher().get();
    DeliveryHealth.Stats delivery = sources.delivery().stats();
    Map<String, Long> lost = new LinkedHashMap<>();
    lost.put("spool_full", delivery.droppedSpoolFull());
    lost.put("refused_by_kafka", delivery.refusedByKafka());
    return new PrometheusText()
        .gauge("portcullis_sessions_active", "Agent sessions open now (started and not yet ended).",
            g.sessionsActive())
        .counter("portcullis_sessions_started_total", "Agent sessions started (token accepted, policy applies).",
            g.sessionsStarted())
        .counter("portcullis_statements_decided_total", "Statements judged by policy, by decision.", "decision",
            decisions)
        .gauge("portcullis_approvals_pending", "Approval requests waiting for a decision.",
            sources.approvals().pending().size())
        .counter("portcullis_approvals_requested_total", "Approval requests this instance published.",
            g.approvalsRequested())
        .counter("portcullis_approvals_decided_total", "Approval decisions this instance published, by outcome.",
            "outcome", outcomes)
        .counter("portcullis_events_written_total", "Session events the sink acknowledged.", events.written())
        .counter("portcullis_events_dropped_total", "Session events dropped because the publisher queue was full.",
            events.dropped())
        .counter("portcullis_events_rejected_total", "Session events refused as unpublishable.", events.rejected())
        .counter("portcullis_events_retries_total", "Failed sink writes that were retried.", events.retries())
        .gauge("portcullis_events_queued", "Session events waiting to be written.", events.queued())
        .gauge("portcullis_events_deliverable", "1 while audit events can be delivered, 0 while they cannot.",
            sources.delivery().undeliverable() ? 0 : 1)
        .counter("portcullis_events_undeliverable_episodes_total", "Times event delivery became impossible.",
            delivery.episodes())
        .counter("portcullis_events_lost_total", "Session events lost for good, by reason.", "reason", lost)
        .counter("portcullis_sessions_refused_undeliverable_total",
            "New sessions refused while events could not be delivered (onUnavailable: refuse-sessions).",
            delivery.sessionsRefused())
        .counter("portcullis_sessions_served_undeliverable_total",
            "New sessions admitted while events could not be delivered (onUnavailable: keep-serving).",
            delivery.sessionsServedUndeliverable())
        .gauge("portcullis_relay_sessions_open", "Backend relays open now.", sources.relays().sessionsOpen())
        .counter("portcullis_relay_sessions_opened_total", "Backend relays opened.", sources.relays().sessionsOpened())
        .counter("portcullis_relay_backend_read_pauses_total",
            "Times a backend socket was paused because the client had a full window unacknowledged.",
            sources.relays().backendReadPauses())
        .text();
  }
}
