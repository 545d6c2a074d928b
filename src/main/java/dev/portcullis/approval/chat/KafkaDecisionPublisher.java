package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalEvents;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.TopicRouting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes {@code approval.decided} to the decisions topic, keyed by the requesting session's id like every event,
 * with {@code acks=all} and idempotence: a click is answered only after every in-sync replica has the decision.
 * The send runs on a worker thread because kafka-clients may block for metadata.
 */
final class KafkaDecisionPublisher implements DecisionPublisher {
  /** A decision not stored within this time fails the click (Slack stops waiting after 3 s anyway). */
  private static final Duration DELIVERY = Duration.ofSeconds(20);

  private final Vertx vertx;
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  KafkaDecisionPublisher(Vertx vertx, BotConfig.Kafka config) {
    this.vertx = vertx;
    this.producer = new KafkaProducer<>(properties(config));
    this.topic = new TopicRouting(config.topicPrefix()).topicFor(EventType.APPROVAL_DECIDED);
  }

  static Properties properties(BotConfig.Kafka config) {
    Properties p = new Properties();
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "portcullis-approver-bot");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(DELIVERY.toMillis()));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.putAll(config.properties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return p;
  }

  @Override
  public Future<Void> publish(ApprovalRequest request, ApprovalDecision decision) {
    String json = EventJson.encode(ApprovalEvents.decided(request.session(), decision));
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        request.session().sessionId().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    return vertx.executeBlocking(() -> {
      producer.send(record).get(DELIVERY.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      return null;
    }, false);
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      producer.close(Duration.ofSeconds(10));
      return null;
    }, false);
  }
}
