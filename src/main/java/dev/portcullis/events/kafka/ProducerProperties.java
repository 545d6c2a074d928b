package dev.portcullis.events.kafka;

import dev.portcullis.config.EventsConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The producer configuration of the Kafka sink: the operator's extra properties, then what delivery relies on. */
final class ProducerProperties {
  private ProducerProperties() {}

  static Properties of(EventsConfig.Kafka config) {
    Properties p = new Properties();
    // Defaults an operator may change.
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "portcullis-events");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    // With one request in flight (below), what a request carries sets the pace: a busy session's events share one
    // partition, and the default 16 KiB batch held about 20 of them, so a spool drained after an outage at ~20
    // events per broker round trip. 256 KiB carries several hundred; batches are only as large as what waits.
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    // A send waits this long for metadata while the cluster is away; the forwarder then retries from the cursor.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.putAll(config.properties());
    // What ordering and "nothing lost" rely on (EventsConfig.Kafka.RESERVED_PROPERTIES: a config cannot set them).
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // One request in flight per broker: a retried batch (NOT_LEADER_OR_FOLLOWER while a new topic elects its
    // leader) is resent before any later batch goes out. With five, CI saw a session's later records appended
    // before its earlier ones despite idempotence, and consumers that keep the first copy read them out of order.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
    // Never give up on a record inside the producer: a record that expired there while later ones got through
    // would break per-session order. An outage just keeps records waiting (and the spool growing).
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
    return p;
  }
}
