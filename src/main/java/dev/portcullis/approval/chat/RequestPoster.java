package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventType;
import dev.portcullis.events.TopicRouting;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the requests topic in the bot's consumer group, so that each request is posted by one bot instance, and
 * commits a batch's offsets only once every request in it is posted or expired: a request read while the chat API
 * is down is not lost, and one read again after a crash is posted again at worst.
 *
 * <p>While posts are retried the consumer keeps polling with its partitions paused, so that a chat outage longer
 * than {@code max.poll.interval.ms} does not throw it out of the group.
 */
final class RequestPoster {
  private static final Logger log = LoggerFactory.getLogger(RequestPoster.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final BotConfig.Kafka config;
  private final Context context;
  private final Function<ApprovalRequest, Future<Void>> post;
  private final Clock clock;
  private final LoopThread loop;
  private volatile boolean waiting;

  /** @param post runs on {@code context}; see {@link ChatPoster#post} */
  RequestPoster(BotConfig.Kafka config, Context context, Function<ApprovalRequest, Future<Void>> post, Clock clock) {
    this.config = config;
    this.context = context;
    this.post = post;
    this.clock = clock;
    this.loop = new LoopThread("portcullis-approver-bot-requests", this::run);
  }

  LoopThread loop() {
    return loop;
  }

  String topic() {
    return new TopicRouting(config.topicPrefix()).topicFor(EventType.APPROVAL_REQUESTED);
  }

  private void run(LoopThread self) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        KafkaClients.consumer(config, "portcullis-approver-bot", config.groupId()))) {
      consumer.subscribe(List.of(topic()), new PauseNewPartitions(consumer));
      while (!self.stopping()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (!records.isEmpty()) {
          batch(self, consumer, records);
        }
      }
    }
  }

  private void batch(LoopThread self, KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records)
      throws Exception {
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    List<Future<Void>> posts = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.putIfAbsent(tp, r.offset());
      next.put(tp, new OffsetAndMetadata(r.offset() + 1));
      ApprovalRequest request = ApprovalRecords.request(r);
      if (request != null && clock.instant().isBefore(request.expiresAt())) {
        posts.add(onContext(request));
      }
    }
    CompletableFuture<?> all = Future.join(posts).toCompletionStage().toCompletableFuture();
    waiting = true;
    consumer.pause(consumer.assignment());
    try {
      while (!all.isDone() && !self.stopping()) {
        ConsumerRecords<byte[], byte[]> extra = consumer.poll(POLL);
        if (!extra.isEmpty()) {
          // Only from a partition assigned between pause and poll: read again after this batch.
          for (TopicPartition tp : extra.partitions()) {
            consumer.seek(tp, extra.records(tp).get(0).offset());
          }
        }
      }
    } finally {
      waiting = false;
      consumer.resume(consumer.paused());
    }
    if (!all.isDone()) {
      return; // stopping: these records stay uncommitted and are read again next time
    }
    if (all.isCompletedExceptionally()) {
      log.warn("{} approval requests not posted; reading them again in 1 s", records.count());
      first.forEach((tp, offset) -> {
        if (consumer.assignment().contains(tp)) {
          consumer.seek(tp, offset);
        }
      });
      self.pause(Duration.ofSeconds(1));
      return;
    }
    try {
      consumer.commitSync(next);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      log.warn("could not commit after a rebalance ({}); the new owner may post {} requests again",
          e.getMessage(), records.count());
    }
  }

  private Future<Void> onContext(ApprovalRequest request) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        post.apply(request).onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  /** A partition assigned while a batch is being posted stays paused with the others until the batch is done. */
  private final class PauseNewPartitions implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> consumer;

    PauseNewPartitions(KafkaConsumer<byte[], byte[]> consumer) {
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (waiting) {
        consumer.pause(partitions);
      }
      log.info("approval requests: assigned {}", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      log.info("approval requests: revoked {}", partitions);
    }
  }
}
