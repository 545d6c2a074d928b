package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventType;
import dev.portcullis.events.TopicRouting;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of both approval topics from the beginning, outside any consumer group, so that every bot
 * instance knows every request (a click may reach any instance behind the request URL, and after a restart the
 * requests posted before are still checkable) and every decision (made by the admin API, by the gateway when a
 * request expires or is withdrawn, or by another instance). Commits nothing: the topics are the bot's memory.
 */
final class ApprovalFeed {
  private static final Logger log = LoggerFactory.getLogger(ApprovalFeed.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration REFRESH = Duration.ofSeconds(30);

  private final BotConfig.Kafka config;
  private final Context context;
  private final Consumer<ApprovalRequest> requests;
  private final Consumer<ApprovalDecision> decisions;
  private final Clock clock;
  private final LoopThread loop;
  private final String requestsTopic;
  private final String decisionsTopic;

  /** @param requests, decisions called on {@code context} */
  ApprovalFeed(BotConfig.Kafka config, Context context, Consumer<ApprovalRequest> requests,
      Consumer<ApprovalDecision> decisions, Clock clock) {
    this.config = config;
    this.context = context;
    this.requests = requests;
    this.decisions = decisions;
    this.clock = clock;
    TopicRouting routing = new TopicRouting(config.topicPrefix());
    this.requestsTopic = routing.topicFor(EventType.APPROVAL_REQUESTED);
    this.decisionsTopic = routing.topicFor(EventType.APPROVAL_DECIDED);
    this.loop = new LoopThread("portcullis-approver-bot-feed", this::run);
  }

  LoopThread loop() {
    return loop;
  }

  private void run(LoopThread self) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        KafkaClients.consumer(config, "portcullis-approver-bot-feed", null))) {
      Set<TopicPartition> assigned = Set.of();
      long nextRefresh = 0;
      while (!self.stopping()) {
        if (System.nanoTime() - nextRefresh >= 0) {
          assigned = refresh(consumer, assigned);
          nextRefresh = System.nanoTime() + (assigned.isEmpty() ? Duration.ofSeconds(1) : REFRESH).toNanos();
        }
        if (assigned.isEmpty()) {
          self.pause(Duration.ofMillis(500));
          continue;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> r : records) {
          handOver(r);
        }
      }
    }
  }

  /** Follows the topics' partitions as they appear; new partitions start from the beginning. */
  private Set<TopicPartition> refresh(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> assigned) {
    Set<TopicPartition> now = new HashSet<>();
    for (String topic : List.of(requestsTopic, decisionsTopic)) {
      try {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        for (PartitionInfo info : infos == null ? List.<PartitionInfo>of() : infos) {
          now.add(new TopicPartition(info.topic(), info.partition()));
        }
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        log.warn("approval feed: no metadata for {} yet ({})", topic, e.getMessage());
      }
    }
    now.addAll(assigned); // a partition never disappears; keep reading what we have
    if (!now.equals(assigned)) {
      consumer.assign(now);
      log.info("approval feed reads {}", now);
    }
    return Set.copyOf(now);
  }

  private void handOver(ConsumerRecord<byte[], byte[]> r) {
    Instant forgetBefore = clock.instant().minus(ApprovalBoard.KEEP);
    if (r.topic().equals(requestsTopic)) {
      ApprovalRequest request = ApprovalRecords.request(r);
      if (request != null && request.expiresAt().isAfter(forgetBefore)) {
        context.runOnContext(v -> requests.accept(request));
      }
    } else {
      ApprovalDecision decision = ApprovalRecords.decision(r);
      if (decision != null && decision.decidedAt().isAfter(forgetBefore)) {
        context.runOnContext(v -> decisions.accept(decision));
      }
    }
  }
}
