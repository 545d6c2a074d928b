package dev.portcullis.approval;

import dev.portcullis.config.EventsConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feed of gateways that publish to Kafka. Publishing goes through the gateway's event pipeline (spooled, so a
 * decision accepted by the admin API is not lost in a Kafka outage). Reading uses {@code assign()} on every partition
 * of the requests and decisions topics, without a consumer group: every instance must read everything, and a group
 * would share the partitions out instead.
 *
 * <p>On start it reads back {@link dev.portcullis.policy.Policy.ApprovalTerms#LONGEST_TIMEOUT} of history, so a
 * restarted instance lists the requests still pending elsewhere and knows which were decided.
 */
final class KafkaApprovalFeed implements ApprovalFeed {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaApprovalFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration LOOKBACK = dev.portcullis.policy.Policy.ApprovalTerms.LONGEST_TIMEOUT;

  private final EventsConfig.Kafka kafka;
  private final EventPublisher events;
  private final List<String> topics;
  private volatile boolean closed;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  KafkaApprovalFeed(EventsConfig.Kafka kafka, EventPublisher events) {
    this.kafka = kafka;
    this.events = events;
    TopicRouting routing = new TopicRouting(kafka.topicPrefix());
    this.topics = List.of(routing.topicFor(EventType.APPROVAL_REQUESTED), routing.topicFor(EventType.APPROVAL_DECIDED));
  }

  @Override
  public void start(Context context, Handler<ApprovalRequest> requests, Handler<ApprovalDecision> decisions) {
    consumer = new KafkaConsumer<>(properties());
    thread = new Thread(() -> run(context, requests, decisions), "portcullis-approvals-feed");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void publish(SessionEvent event) {
    events.publish(event); // read back by every instance, this one included
  }

  @Override
  public void close() {
    closed = true;
    if (consumer != null) {
      consumer.wakeup();
    }
  }

  private void run(Context context, Handler<ApprovalRequest> requests, Handler<ApprovalDecision> decisions) {
    try {
      assign();
      while (!closed && !consumer.assignment().isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          deliver(r, context, requests, decisions);
        }
      }
    } catch (WakeupException e) {
      // closed
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("approvals: the Kafka feed stopped; decisions no longer reach this gateway: {}", e.toString());
      }
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Waits until both topics exist (the first producer creates them), then starts at {@link #LOOKBACK} ago. */
  private void assign() {
    List<TopicPartition> partitions = new ArrayList<>();
    while (!closed && !Thread.currentThread().isInterrupted()) {
      partitions.clear();
      boolean all = true;
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
          all = false;
          break;
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
      if (all) {
        break;
      }
      try {
        Thread.sleep(1_000); // this feed's own thread: waiting here blocks nobody
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (closed || partitions.isEmpty()) {
      return;
    }
    consumer.assign(partitions);
    // Taken before the time lookup: a record published in between is read, not skipped.
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> from = new HashMap<>();
    long since = System.currentTimeMillis() - LOOKBACK.toMillis();
    partitions.forEach(p -> from.put(p, since));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(from);
    for (TopicPartition p : partitions) {
      OffsetAndTimestamp o = offsets.get(p);
      consumer.seek(p, o == null ? ends.get(p) : o.offset());
    }
    LOG.info("approvals: reading {} partitions of {}", partitions.size(), topics);
  }

  private void deliver(ConsumerRecord<byte[], byte[]> r, Context context, Handler<ApprovalRequest> requests,
      Handler<ApprovalDecision> decisions) {
    try {
      SessionEvent e = EventJson.decode(new String(r.value(), StandardCharsets.UTF_8));
      if (EventType.APPROVAL_REQUESTED.equals(e.type())) {
        ApprovalRequest request = ApprovalEvents.request(e);
        context.runOnContext(v -> requests.handle(request));
      } else if (EventType.APPROVAL_DECIDED.equals(e.type())) {
        ApprovalDecision decision = ApprovalEvents.decision(e);
        context.runOnContext(v -> decisions.handle(decision));
      }
    } catch (RuntimeException e) {
      LOG.warn("approvals: skipped a malformed record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
          e.getMessage());
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    for (Map.Entry<String, String> e : kafka.properties().entrySet()) {
      // connection security applies to reading too; producer tuning does not
      if (e.getKey().startsWith("security.") || e.getKey().startsWith("ssl.") || e.getKey().startsWith("sasl.")) {
        p.put(e.getKey(), e.getValue());
      }
    }
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "portcullis-approvals");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "5000"); // see new partitions of the topics soon
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }
}
