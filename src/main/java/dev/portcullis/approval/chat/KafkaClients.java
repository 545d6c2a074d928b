package dev.portcullis.approval.chat;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Consumer settings shared by the bot's two readers: the operator's properties, then what the bot relies on. */
final class KafkaClients {
  private KafkaClients() {}

  /** @param groupId null for a reader that assigns partitions itself and commits nothing */
  static Properties consumer(BotConfig.Kafka config, String clientId, String groupId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000"); // notice topics created after start within 30 s
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // requests already waiting are shown too
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the gateways or ops create them
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.putAll(config.properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    if (groupId != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    } else {
      p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
