package dev.portcullis.events.kafka;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventSink;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import dev.portcullis.events.spool.Spool;
import dev.portcullis.events.spool.SpoolRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink ({@code events.sink: kafka}): every batch goes first to the durable local {@link Spool} (appended
 * and fsynced on a dedicated thread before its Future completes), then a {@link KafkaForwarder} thread sends the
 * spool, in order, to the topics of {@link TopicRouting} (key = session id, value = the {@link EventJson} line).
 *
 * <p>So the data path only ever waits for the local disk, never for Kafka: an outage just grows the spool, and
 * what Kafka has not acknowledged when the gateway stops (or dies) is sent by the next start on the same spool.
 * {@link DeliveryHealth} turns a long outage or a full spool into refused sessions or loud logs.
 */
public final class KafkaSink implements EventSink {
  /** How long close waits for Kafka to acknowledge what is spooled before leaving it for the next start. */
  public static final long FLUSH_TIMEOUT_MS = 5_000;
  /** During close, no acknowledgement for this long means Kafka is away: stop waiting for it. */
  private static final long STALLED_MS = 2_000;
  private static final long DROP_LOG_INTERVAL_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Vertx vertx;
  private final WorkerExecutor writer;
  private final Spool spool;
  private final KafkaForwarder forwarder;
  private final DeliveryHealth health;
  private final TopicRouting routing;
  private final long healthTimer;
  private long droppedSinceLog;
  private long lastDropLog;
  private boolean closed;

  private KafkaSink(Vertx vertx, WorkerExecutor writer, Spool spool, KafkaForwarder forwarder,
      DeliveryHealth health, TopicRouting routing, long checkEveryMs) {
    this.vertx = vertx;
    this.writer = writer;
    this.spool = spool;
    this.forwarder = forwarder;
    this.health = health;
    this.routing = routing;
    checkHealth();
    this.healthTimer = vertx.setPeriodic(checkEveryMs, id -> checkHealth());
  }

  /** Opens the spool (recovering an earlier run's) and starts forwarding; fails on an unusable spool or config. */
  public static Future<EventSink> open(Vertx vertx, EventsConfig.Kafka config, DeliveryHealth health) {
    WorkerExecutor writer = vertx.createSharedWorkerExecutor("portcullis-spool-" + INSTANCES.incrementAndGet(), 1);
    long checkEveryMs = Math.max(50, Math.min(1_000, config.maxOutage().toMillis() / 4));
    return writer.<EventSink>executeBlocking(() -> {
      Spool spool = Spool.open(config.spoolDir(), config.spoolMaxBytes(),
          Spool.defaultSegmentBytes(config.spoolMaxBytes()));
      KafkaForwarder forwarder;
      try {
        Producer<byte[], byte[]> first = new KafkaProducer<>(ProducerProperties.of(config));
        forwarder = new KafkaForwarder(spool, first, () -> new KafkaProducer<>(ProducerProperties.of(config)),
            health, new KafkaProbe(config), config.maxOutage().toMillis());
      } catch (RuntimeException e) {
        spool.close();
        throw new IllegalArgumentException("events.kafka: cannot create the Kafka producer: " + e.getMessage(), e);
      }
      forwarder.start();
      LOG.info("events go to Kafka {} (topics {}*) through the spool {}", config.bootstrapServers(),
          config.topicPrefix(), config.spoolDir());
      return new KafkaSink(vertx, writer, spool, forwarder, health, new TopicRouting(config.topicPrefix()),
          checkEveryMs);
    }).onFailure(e -> writer.close());
  }

  @Override
  public Future<Void> write(List<SessionEvent> batch) {
    List<SessionEvent> copy = List.copyOf(batch);
    return writer.executeBlocking(() -> {
      spoolAll(copy);
      return null;
    });
  }

  private void spoolAll(List<SessionEvent> batch) throws java.io.IOException {
    if (closed) {
      throw new java.io.IOException("the Kafka event sink is closed");
    }
    List<SpoolRecord> records = new ArrayList<>(batch.size());
    for (SessionEvent event : batch) {
      String json;
      try {
        json = EventJson.encode(event);
      } catch (RuntimeException e) {
        // Retrying cannot fix an event that does not encode; failing the batch would block all later events.
        LOG.error("kafka sink: dropping an event that does not encode ({}): {}", event.type(), e.getMessage());
        continue;
      }
      records.add(new SpoolRecord(routing.topicFor(event.type()),
          event.session().sessionId().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }
    int stored = spool.append(records);
    if (stored < records.size()) {
      dropped(records.size() - stored);
    }
  }

  /** The spool is full: the events are lost. Counted always, logged at most every {@link #DROP_LOG_INTERVAL_MS}. */
  private void dropped(int n) {
    health.droppedSpoolFull(n);
    droppedSinceLog += n;
    long now = System.currentTimeMillis();
    if (now - lastDropLog >= DROP_LOG_INTERVAL_MS) {
      LOG.error("kafka sink: the event spool {} is full ({} bytes, events.kafka.spool.maxBytes {}): {} AUDIT "
          + "EVENTS DROPPED since the last report, {} in total", spool.dir(), spool.usedBytes(), spool.maxBytes(),
          droppedSinceLog, health.stats().droppedSpoolFull());
      droppedSinceLog = 0;
      lastDropLog = now;
    }
  }

  private void checkHealth() {
    health.update(System.currentTimeMillis(), spool.unacknowledgedBytes(), spool.lastProgressMillis(),
        forwarder.lastContactMillis(), spool.nearlyFull());
  }

  /** Spooled bytes Kafka has not acknowledged yet. */
  public long waitingBytes() {
    return spool.unacknowledgedBytes();
  }

  /**
   * Stops taking events, waits up to {@link #FLUSH_TIMEOUT_MS} for Kafka to acknowledge the spool, closes the
   * producer and the spool. What is still unacknowledged stays in the spool for the next start.
   */
  @Override
  public Future<Void> close() {
    vertx.cancelTimer(healthTimer);
    return writer.<Void>executeBlocking(() -> {
      closed = true;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_TIMEOUT_MS);
      long end = spool.end();
      // Wait while Kafka is acknowledging; an unreachable Kafka is not worth holding the shutdown for.
      while (System.nanoTime() < deadline && System.currentTimeMillis() - spool.lastProgressMillis() < STALLED_MS
          && !spool.awaitAcknowledged(end, 100)) {
        // re-check the deadline and whether acknowledgements still come
      }
      forwarder.stop(1_000);
      long left = spool.unacknowledgedBytes();
      if (left > 0) {
        LOG.warn("kafka sink: stopping with {} bytes of events not yet acknowledged by Kafka; they stay in the "
            + "spool {} and are sent on the next start", left, spool.dir());
      }
      spool.close();
      return null;
    }).eventually(writer::close);
  }
}
