package dev.portcullis.audit;

import dev.portcullis.testing.LocalKafka;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Committed and end offsets read with the admin API, to check what a consumer group committed. */
final class Offsets {
  private Offsets() {}

  /** Partition → committed offset of a group (partitions without a commit are absent). */
  static Map<TopicPartition, Long> committed(LocalKafka kafka, String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach((tp, om) -> {
        if (om != null) {
          out.put(tp, om.offset());
        }
      });
      return out;
    }
  }

  /** Partition → end offset, for the non-empty partitions of the topics. */
  static Map<TopicPartition, Long> ends(LocalKafka kafka, List<String> topics) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
          d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> out = new HashMap<>();
      admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> {
        if (info.offset() > 0) {
          out.put(tp, info.offset());
        }
      });
      return out;
    }
  }
}
