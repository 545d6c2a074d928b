package dev.portcullis.audit;

import dev.portcullis.config.AuditConfig;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Replays a session straight from Kafka, without the audit store: reads the sessions topic, both approvals topics
 * and the recordings topic (SSH terminal frames) <em>from the beginning</em> (no consumer group, nothing committed), keeps the records keyed by the
 * session id, and orders them by event time (Kafka keeps one session's order within a topic; time merges the
 * topics). Cost grows with the topics' retained size. Records that are not events are skipped.
 */
public final class KafkaReplay implements ReplaySource {
  private static final Duration POLL = Duration.ofMillis(200);

  private final AuditConfig.Kafka kafka;
  private final java.io.PrintStream warnings;

  public KafkaReplay(AuditConfig.Kafka kafka, java.io.PrintStream warnings) {
    this.kafka = kafka;
    this.warnings = warnings;
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "portcullis-replay");
    p.putAll(kafka.properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // reading must not create topics
    return p;
  }

  @Override
  public long replay(String sessionId, boolean follow, Consumer<SessionEvent> out, BooleanSupplier stop) {
    TopicRouting routing = new TopicRouting(kafka.topicPrefix());
    List<String> topics = List.of(routing.topicFor("session.started"), routing.topicFor("approval.requested"),
        routing.topicFor("approval.decided"), routing.topicFor("io.frame"));
    byte[] key = sessionId.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
          continue; // e.g. no approval was ever requested: the topic may not exist
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topics.get(0) + " does not exist on " + kafka.bootstrapServers());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));

      // Up to the end offsets seen at start: collect, then emit in time order.
      List<SessionEvent> history = new ArrayList<>();
      while (!caughtUp(consumer, ends) && !stop.getAsBoolean()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          SessionEvent e = match(r, key);
          if (e != null) {
            history.add(e);
          }
        }
      }
      history.sort(Comparator.comparing(SessionEvent::time)); // stable: equal times keep topic order
      boolean ended = false;
      for (SessionEvent e : history) {
        out.accept(e);
        ended |= ReplaySource.ends(e);
      }
      if (history.isEmpty() || !follow) {
        return history.size();
      }
      long emitted = history.size();
      while (!ended && !stop.getAsBoolean()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          SessionEvent e = match(r, key);
          if (e != null) {
            out.accept(e);
            emitted++;
            ended |= ReplaySource.ends(e);
          }
        }
      }
      return emitted;
    }
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  private SessionEvent match(ConsumerRecord<byte[], byte[]> r, byte[] key) {
    if (r.key() == null || !Arrays.equals(r.key(), key) || r.value() == null) {
      return null;
    }
    try {
      SessionEvent e = EventJson.decode(new String(r.value(), StandardCharsets.UTF_8));
      return key.length > 0 && e.session().sessionId() != null ? e : null;
    } catch (RuntimeException ex) {
      warnings.println("skipped " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + ex.getMessage());
      return null;
    }
  }
}
