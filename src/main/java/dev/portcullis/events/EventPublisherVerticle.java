package dev.portcullis.events;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.events.kafka.KafkaSink;
import dev.portcullis.gateway.Addresses;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@link EventBatch}es sent to {@link Addresses#EVENTS_PUBLISH} and hands their events, in arrival order
 * and one batch at a time, to the configured {@link EventSink} (the logic lives in {@link EventPump}).
 *
 * <p>Deploy exactly one instance per gateway process (per-session order relies on a single consumer), after
 * {@code Codecs.register(vertx)} and before the protocol verticles (events sent while no consumer is registered are
 * lost); undeploy it after them so their {@code session.ended} events get out. Undeploying drains the queue into the sink (bounded by
 * {@link PublisherSettings#drainTimeoutMs()}) and closes the sink.
 */
public final class EventPublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisherVerticle.class);

  private final Function<Vertx, Future<EventSink>> openSink;
  private final PublisherSettings settings;
  private EventSink sink;
  private EventPump pump;
  private MessageConsumer<EventBatch> consumer;

  /**
   * @param openSink opens the sink on start, e.g. {@code v -> JournalSink.open(v, dir)}; closed on undeploy
   */
  public EventPublisherVerticle(Function<Vertx, Future<EventSink>> openSink, PublisherSettings settings) {
    this.openSink = openSink;
    this.settings = settings;
  }

  /** The embedded journal in {@code dir} with default settings. */
  public static EventPublisherVerticle journal(Path dir) {
    return new EventPublisherVerticle(v -> JournalSink.open(v, dir), PublisherSettings.defaults());
  }

  /**
   * The publisher for the gateway's {@code events:} config: the journal, or the Kafka sink reporting to
   * {@code health} (which the protocol listeners consult before admitting a session).
   */
  public static EventPublisherVerticle forConfig(EventsConfig config, DeliveryHealth health) {
    if (config.sink() == EventsConfig.Sink.KAFKA) {
      return new EventPublisherVerticle(v -> KafkaSink.open(v, config.kafka(), health),
          PublisherSettings.defaults());
    }
    return journal(config.journalDir());
  }

  /** The health a Kafka config reports into; for the journal one that never turns undeliverable. */
  public static DeliveryHealth deliveryHealth(EventsConfig config) {
    return config.sink() == EventsConfig.Sink.KAFKA
        ? new DeliveryHealth(config.kafka().onUnavailable(), config.kafka().maxOutage().toMillis())
        : new DeliveryHealth(EventsConfig.OnUnavailable.KEEP_SERVING, Long.MAX_VALUE);
  }

  @Override
  public Future<?> start() {
    return openSink.apply(vertx).compose(opened -> {
      sink = opened;
      Context ctx = context;
      // The pump is single-threaded: bring every sink completion and timer back to this verticle's context,
      // whatever thread the sink completes on (a Kafka producer callback, a worker).
      EventSink onContext = new EventSink() {
        @Override
        public Future<Void> write(List<SessionEvent> batch) {
          Promise<Void> p = Promise.promise();
          opened.write(batch).onComplete(ar -> ctx.runOnContext(v -> p.handle(ar)));
          return p.future();
        }

        @Override
        public Future<Void> close() {
          return opened.close();
        }
      };
      pump = new EventPump(onContext, settings, (delay, task) -> vertx.setTimer(delay, id -> task.run()));
      consumer = vertx.eventBus().localConsumer(Addresses.EVENTS_PUBLISH, msg -> msg.body().events().forEach(pump::offer));
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    if (consumer == null) {
      return sink == null ? Future.succeededFuture() : sink.close();
    }
    return consumer.unregister()
        .compose(v -> pump.drain().timeout(settings.drainTimeoutMs(), TimeUnit.MILLISECONDS))
        .recover(e -> {
          LOG.error("event publisher: stopping with {} events not written to the sink: {}",
              pump.stats().queued(), e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> {
          pump.stop();
          return sink.close();
        });
  }

  /** Counters (readable from any thread). Only meaningful once started. */
  public PublisherStats stats() {
    return pump == null ? new PublisherStats(0, 0, 0, 0, 0) : pump.stats();
  }
}
