package dev.portcullis.audit;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.events.TopicRouting;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the four event topics in a consumer group and writes each polled batch to the {@link AuditStore}. The
 * batch's offsets are committed (exactly those processed) only after its rows are committed in PostgreSQL; a
 * crash in between re-delivers records the store already has, and the idempotent insert drops them. While the
 * store fails, the consumer rewinds to the batch's first offsets and retries with backoff, committing nothing.
 *
 * <p>Runs on a thread of its own: kafka-clients and the wait for the store both block.
 */
public final class AuditConsumer {
  private static final Logger log = LoggerFactory.getLogger(AuditConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long STORE_TIMEOUT_MS = 60_000;

  /** Counters since start, for logs and tests. */
  public record Stats(long consumed, long inserted, long duplicates, long deadLetters, long storeFailures,
      long lag) {}

  /** Package-private seam for tests: runs after the store commit and before the offset commit. */
  interface Hook {
    void run() throws Exception;
  }

  private final AuditConfig.Kafka kafka;
  private final AuditStore store;
  private final Duration maxBackoff;
  private final Duration statsEvery;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Hook afterStoreCommit = () -> { };
  private volatile Throwable failure;
  private volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0);
  private volatile Set<TopicPartition> assignment = Set.of();
  private Thread thread;

  public AuditConsumer(AuditConfig.Kafka kafka, AuditStore store) {
    this(kafka, store, Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  AuditConsumer(AuditConfig.Kafka kafka, AuditStore store, Duration maxBackoff, Duration statsEvery) {
    this.kafka = kafka;
    this.store = store;
    this.maxBackoff = maxBackoff;
    this.statsEvery = statsEvery;
  }

  void afterStoreCommit(Hook hook) {
    this.afterStoreCommit = hook;
  }

  /** The topics read, e.g. {@code portcullis.sessions}. */
  public List<String> topics() {
    return new TopicRouting(kafka.topicPrefix()).topics();
  }

  /** Starts the consumer thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "portcullis-audit-consumer");
    thread.start();
  }

  /** Asks the consumer to stop after the batch in hand, and waits for it to close. */
  public void stop(Duration wait) throws InterruptedException {
    stopSignal.countDown();
    stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the consumer thread has ended (after {@link #stop}, or after a failure). */
  public boolean awaitStopped(Duration wait) throws InterruptedException {
    return stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Why the consumer thread ended on its own, or {@code null}. */
  public Throwable failure() {
    return failure;
  }

  /** The partitions this consumer holds now. */
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  public Stats stats() {
    return stats;
  }

  private boolean stopping() {
    return stopSignal.getCount() == 0;
  }

  Properties properties() {
    Properties p = new Properties();
    // Overridable defaults first: notice topics created after start within 30 s rather than 5 min.
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group audits what is already there
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "portcullis-audit");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the gateways' producers or ops create them
    p.putAll(kafka.properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.groupId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private void run() {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
      migrateWithRetry();
      consumer.subscribe(topics(), new RebalanceLog());
      loop(consumer);
    } catch (Throwable e) {
      if (!stopping()) {
        failure = e;
        log.error("audit consumer stopped by an error (offsets of unstored records stay uncommitted): {}",
            e.toString());
      }
    } finally {
      logStats("stopped");
      stopped.countDown();
    }
  }

  private void migrateWithRetry() throws Exception {
    Backoff backoff = new Backoff(maxBackoff);
    while (!stopping()) {
      try {
        int before = await(store.migrate());
        if (before < AuditSchema.CURRENT) {
          log.info("audit store schema migrated from version {} to {}", before, AuditSchema.CURRENT);
        }
        return;
      } catch (Exception e) {
        if (e.getCause() instanceof AuditSchema.NewerSchemaException fatal) {
          throw fatal; // a store newer than this build: retrying cannot help
        }
        Duration wait = backoff.next();
        log.warn("audit store unavailable ({}); retrying in {} ms", cause(e), wait.toMillis());
        stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  private void loop(KafkaConsumer<byte[], byte[]> consumer) throws Exception {
    Backoff backoff = new Backoff(maxBackoff);
    long nextStats = System.nanoTime() + statsEvery.toNanos();
    while (!stopping()) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
      if (!records.isEmpty()) {
        ConsumedBatch batch = ConsumedBatch.of(records);
        AuditStore.WriteResult result;
        String why = null;
        try {
          result = await(store.write(batch.rows(), batch.letters()));
        } catch (Exception e) {
          why = cause(e);
          result = AuditStore.isDataError(e) ? oneByOne(batch, e) : null;
        }
        if (result == null) {
          Duration wait = backoff.next();
          // counted as consumed once stored: these records come again after the rewind
          stats = add(stats, 0, new AuditStore.WriteResult(0, 0, 0), 1, stats.lag());
          log.warn("audit store write failed ({}); {} records stay uncommitted, retrying in {} ms", why,
              records.count(), wait.toMillis());
          batch.rewind(consumer);
          stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
          continue;
        }
        backoff.reset();
        afterStoreCommit.run();
        try {
          consumer.commitSync(batch.nextOffsets());
        } catch (CommitFailedException | RebalanceInProgressException e) {
          // The partitions moved to another member meanwhile; it gets these records again, and the store
          // already has them, so they only count as its duplicates.
          log.warn("audit consumer could not commit after a rebalance ({}); the new owner re-reads {} records",
              e.getMessage(), records.count());
        }
        stats = add(stats, records.count(), result, 0, stats.lag());
      }
      if (System.nanoTime() - nextStats >= 0) {
        stats = add(stats, 0, new AuditStore.WriteResult(0, 0, 0), 0, lag(consumer));
        logStats("running");
        nextStats = System.nanoTime() + statsEvery.toNanos();
      }
    }
  }

  /** The batch row by row after a data error; {@code null} when that fails too (the store is down, say). */
  private AuditStore.WriteResult oneByOne(ConsumedBatch batch, Exception batchError) {
    log.warn("audit store refused a batch ({}); storing its records one by one", cause(batchError));
    try {
      return await(store.writeOneByOne(batch.rows(), batch.letters()));
    } catch (Exception e) {
      return null; // logged by the caller, which rewinds and retries
    }
  }

  private static Stats add(Stats s, long consumed, AuditStore.WriteResult r, long failures, long lag) {
    return new Stats(s.consumed() + consumed, s.inserted() + r.inserted(), s.duplicates() + r.duplicates(),
        s.deadLetters() + r.deadLetters(), s.storeFailures() + failures, lag);
  }

  private static long lag(KafkaConsumer<byte[], byte[]> consumer) {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    return total;
  }

  private void logStats(String state) {
    Stats s = stats;
    log.info("audit consumer {}: consumed={} inserted={} duplicates={} deadLetters={} storeFailures={} lag={}",
        state, s.consumed(), s.inserted(), s.duplicates(), s.deadLetters(), s.storeFailures(), s.lag());
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static String cause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  private final class RebalanceLog implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Set<TopicPartition> now = new HashSet<>(assignment);
      now.addAll(partitions);
      assignment = Set.copyOf(now);
      log.info("audit consumer assigned {}", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Nothing to flush: every batch is stored and committed before the next poll.
      Set<TopicPartition> now = new HashSet<>(assignment);
      now.removeAll(partitions);
      assignment = Set.copyOf(now);
      log.info("audit consumer revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      onPartitionsRevoked(partitions);
    }
  }
}
