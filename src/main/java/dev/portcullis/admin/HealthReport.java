package dev.portcullis.admin;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.kafka.DeliveryHealth;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /health}: {@code up}, or {@code degraded} while audit events cannot be delivered. The status code says
 * whether this instance admits new sessions: 503 only when it refuses them ({@code onUnavailable: refuse-sessions}),
 * so a load balancer sends agents elsewhere; with {@code keep-serving} it still serves, so 200 and {@code degraded}.
 */
final class HealthReport {
  private final EventsConfig.Sink sink;
  private final DeliveryHealth delivery;

  HealthReport(EventsConfig.Sink sink, DeliveryHealth delivery) {
    this.sink = sink;
    this.delivery = delivery;
  }

  AdminResponse render() {
    boolean deliverable = !delivery.undeliverable();
    // Not admitsNewSessions(): that counts a session admitted or refused, and a health probe is neither.
    boolean serving = deliverable || delivery.onUnavailable() == EventsConfig.OnUnavailable.KEEP_SERVING;
    DeliveryHealth.Stats stats = delivery.stats();
    JsonObject events = new JsonObject()
        .put("sink", sink.name().toLowerCase(java.util.Locale.ROOT))
        .put("deliverable", deliverable)
        .put("onUnavailable", delivery.onUnavailable().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        .put("admitsNewSessions", serving)
        .put("undeliverableEpisodes", stats.episodes())
        .put("sessionsRefused", stats.sessionsRefused())
        .put("eventsLost", stats.droppedSpoolFull() + stats.refusedByKafka());
    JsonObject body = new JsonObject().put("status", deliverable ? "up" : "degraded").put("events", events);
    return AdminResponse.json(serving ? 200 : 503, body);
  }
}
