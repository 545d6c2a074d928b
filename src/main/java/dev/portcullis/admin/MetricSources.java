package dev.portcullis.admin;

import dev.portcullis.approval.ApprovalService;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.forward.RelayCounters;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything {@code /health} and {@code /metrics} read: the gateway's own counters, kept where they are counted.
 *
 * @param sink      which event sink is configured (named in {@code /health})
 * @param publisher the event publisher's counters (readable from any thread)
 */
public record MetricSources(
    GatewayMetrics gateway,
    EventsConfig.Sink sink,
    DeliveryHealth delivery,
    Supplier<PublisherStats> publisher,
    RelayCounters relays,
    ApprovalService approvals) {

  public MetricSources {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(publisher, "publisher");
    Objects.requireNonNull(relays, "relays");
    Objects.requireNonNull(approvals, "approvals");
  }
}
