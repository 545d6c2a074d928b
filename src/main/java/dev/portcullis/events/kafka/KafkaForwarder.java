package dev.portcullis.events.kafka;

import dev.portcullis.events.spool.Spool;
import dev.portcullis.events.spool.SpoolReader;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that moves spooled records to Kafka, in spool order, and acknowledges them in the spool once the
 * brokers have ({@code acks=all}, idempotent producer). At most {@link #WINDOW} records are in flight; the spool's
 * cursor only ever moves over a prefix of acknowledged records, so a restart resends from the first record that
 * may not have arrived (at-least-once).
 *
 * <p>The producer never expires a record (infinite delivery timeout), so during an outage records simply wait and
 * the spool grows. Any other failure closes the producer and resends from the cursor with a fresh one.
 */
final class KafkaForwarder implements Runnable {
  static final int WINDOW = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaForwarder.class);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long RETRY_BACKOFF_MS = 1_000;
  private static final long RESET_LOG_INTERVAL_MS = 60_000;
  /** In-flight records with no acknowledgement for this long: start over with a fresh producer. */
  private static final long STALL_RESET_NANOS = TimeUnit.SECONDS.toNanos(15);

  /** One sent record; completed by the producer's I/O thread. */
  private static final class InFlight {
    final long end;
    volatile boolean done;
    volatile Exception failure;

    InFlight(long end) {
      this.end = end;
    }
  }

  private final Spool spool;
  private final Supplier<Producer<byte[], byte[]>> producers;
  private final DeliveryHealth health;
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private volatile Thread thread;
  private volatile boolean stopping;
  /** A record of the current producer failed: send nothing more with it. */
  private volatile boolean failed;
  private long resets;
  private final KafkaProbe probe;
  private final long probeIntervalMs;
  private final long probeTimeoutMs;
  private long lastProbeMillis;
  private volatile long lastContactMillis = System.currentTimeMillis();
  private long lastAckNanos;
  private long lastResetLog = Long.MIN_VALUE / 2;

  private Producer<byte[], byte[]> first;

  /**
   * @param first    the producer to start with (already created, so a bad config fails the sink's open)
   * @param probe    asks the cluster whether it answers while nothing is being sent ({@code null}: never)
   * @param maxOutageMs how long Kafka may stay away before events count as undeliverable; sets the probe pace
   */
  KafkaForwarder(Spool spool, Producer<byte[], byte[]> first, Supplier<Producer<byte[], byte[]>> producers,
      DeliveryHealth health, KafkaProbe probe, long maxOutageMs) {
    this.spool = spool;
    this.health = health;
    this.probe = probe;
    // Probe well within maxOutage, so that a reachable cluster never looks away between two probes.
    this.probeIntervalMs = Math.max(100, Math.min(30_000, maxOutageMs / 4));
    this.probeTimeoutMs = Math.max(200, Math.min(5_000, maxOutageMs / 2));
    this.first = first;
    this.producers = producers;
  }

  void start() {
    Thread t = new Thread(this, "portcullis-kafka-forwarder");
    t.setDaemon(true);
    thread = t;
    spool.onAppend(this::wake);
    t.start();
  }

  /** Stops after the current step and closes the producer, waiting at most {@code timeoutMs} for the thread. */
  void stop(long timeoutMs) throws InterruptedException {
    stopping = true;
    Thread t = thread;
    if (t != null) {
      wake();
      t.join(timeoutMs);
      if (t.isAlive()) {
        t.interrupt(); // blocked in send() waiting for metadata of an unreachable cluster
        t.join(timeoutMs);
      }
    }
  }

  private void wake() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void run() {
    try (SpoolReader reader = spool.reader()) {
      Producer<byte[], byte[]> producer = first;
      first = null;
      while (!stopping) {
        try {
          producer = producer != null ? producer : producers.get();
          forward(reader, producer);
        } catch (Exception e) {
          if (!stopping) {
            logReset(e);
          }
        } finally {
          if (producer != null) {
            // A short close: whatever the brokers acknowledge meanwhile still moves the cursor below.
            closeQuietly(producer);
            producer = null;
          }
          advance();
        }
        if (!stopping) {
          inFlight.clear();
          failed = false;
          reader.rewind(spool.cursor());
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_BACKOFF_MS));
        }
      }
    } catch (Exception e) {
      LOG.error("kafka forwarder stopped: {}; undelivered events stay in the spool {} for the next start",
          e.toString(), spool.dir(), e);
    } finally {
      if (probe != null) {
        probe.close();
      }
    }
  }

  /**
   * Stops the producer at once from its own callback: after a failed batch an idempotent producer may bump its
   * epoch and send the batches queued behind it, which would land before the failed one is resent and break
   * per-session order. Closing from the callback aborts them before they go out (Kafka closes without waiting there).
   */
  private void haltAfterFailure(Producer<byte[], byte[]> producer) {
    try {
      producer.close(java.time.Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("kafka producer close after a failure: {}", e.toString());
    }
  }

  /** Nothing to send: every {@code probeIntervalMs}, check that the cluster still answers. */
  private void probeWhileIdle() {
    long now = System.currentTimeMillis();
    if (probe == null || now - lastProbeMillis < probeIntervalMs) {
      return;
    }
    lastProbeMillis = now;
    if (probe.reachable(probeTimeoutMs)) {
      lastContactMillis = System.currentTimeMillis();
    }
  }

  /** When Kafka last answered: an acknowledgement, or an idle-time probe. */
  long lastContactMillis() {
    return lastContactMillis;
  }

  /** A reset repeats every few seconds while Kafka is away: log the first and then one a minute. */
  private void logReset(Exception cause) {
    resets++;
    long now = System.currentTimeMillis();
    if (now - lastResetLog >= RESET_LOG_INTERVAL_MS) {
      LOG.warn("kafka: delivery failed ({}); resending from the last acknowledged event ({} resets so far)",
          cause.toString(), resets);
      lastResetLog = now;
    }
  }

  private void closeQuietly(Producer<byte[], byte[]> producer) {
    try {
      producer.close(stopping ? java.time.Duration.ofSeconds(1) : java.time.Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("kafka producer close: {}", e.toString());
    }
  }

  /** Sends until stopped or until a failure asks for a fresh producer (then returns). */
  private void forward(SpoolReader reader, Producer<byte[], byte[]> producer) throws Exception {
    lastAckNanos = System.nanoTime();
    while (!stopping) {
      if (!advance()) {
        return;
      }
      if (!inFlight.isEmpty() && System.nanoTime() - lastAckNanos > STALL_RESET_NANOS) {
        // Seen with a fresh topic: the idempotent producer retried OUT_OF_ORDER_SEQUENCE_NUMBER forever. A new
        // producer (new producer id) resending from the cursor gets going again; during an outage it costs little.
        logReset(new IllegalStateException("no acknowledgement for "
            + TimeUnit.NANOSECONDS.toSeconds(STALL_RESET_NANOS) + " s with records in flight"));
        return;
      }
      if (inFlight.size() >= WINDOW) {
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      SpoolReader.Chunk chunk = reader.read(WINDOW - inFlight.size());
      if (chunk.entries().isEmpty() && chunk.end() == (inFlight.isEmpty() ? spool.cursor() : inFlight.peekLast().end)) {
        if (inFlight.isEmpty()) {
          probeWhileIdle();
        }
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      if (inFlight.isEmpty()) {
        lastAckNanos = System.nanoTime(); // the stall clock runs only while records wait for an acknowledgement
      }
      for (SpoolReader.Entry entry : chunk.entries()) {
        if (failed) {
          // Nothing more may go out after a failed record (its send may fail synchronously, e.g. no metadata
          // within max.block.ms): a later record delivered before the resent one would break per-session order.
          return;
        }
        InFlight f = new InFlight(entry.end());
        inFlight.add(f);
        producer.send(new ProducerRecord<>(entry.record().topic(), entry.record().key(), entry.record().value()),
            (metadata, error) -> {
              if (error != null) {
                f.failure = error;
                if (!failed) {
                  failed = true;
                  haltAfterFailure(producer);
                }
              } else {
                f.done = true;
              }
              wake();
            });
      }
      long lastEnd = inFlight.isEmpty() ? spool.cursor() : inFlight.peekLast().end;
      if (chunk.end() > lastEnd) {
        InFlight skipped = new InFlight(chunk.end()); // corrupt bytes the reader skipped: nothing to send
        skipped.done = true;
        inFlight.add(skipped);
      }
    }
  }

  /**
   * Moves the spool's cursor over the acknowledged prefix of what is in flight.
   *
   * @return false when a record failed in a way that needs a fresh producer
   */
  private boolean advance() {
    long acknowledged = -1;
    while (!inFlight.isEmpty()) {
      InFlight head = inFlight.peekFirst();
      Exception failure = head.failure;
      if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException) {
        health.refusedByKafka(1);
        LOG.error("kafka: an event record is larger than the brokers accept ({}); it is skipped: AN AUDIT EVENT "
            + "IS LOST (raise max.request.size / message.max.bytes)", failure.getMessage());
      } else if (failure != null) {
        if (!stopping) {
          logReset(failure);
        }
        break;
      } else if (!head.done) {
        break;
      }
      acknowledged = head.end;
      inFlight.pollFirst();
    }
    if (acknowledged >= 0) {
      spool.acknowledge(acknowledged);
      lastAckNanos = System.nanoTime();
      lastContactMillis = System.currentTimeMillis();
    }
    return inFlight.isEmpty() || inFlight.peekFirst().failure == null;
  }
}
