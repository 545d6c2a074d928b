package dev.portcullis.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** One polled batch decoded, with the offsets it spans per partition. */
record ConsumedBatch(List<EventRow> rows, List<DeadLetter> letters, Map<TopicPartition, Long> first,
    Map<TopicPartition, OffsetAndMetadata> nextOffsets) {

  static ConsumedBatch of(ConsumerRecords<byte[], byte[]> records) {
    List<EventRow> rows = new ArrayList<>(records.count());
    List<DeadLetter> letters = new ArrayList<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.putIfAbsent(tp, r.offset());
      next.put(tp, new OffsetAndMetadata(r.offset() + 1));
      EventRow.Source source = new EventRow.Source(r.topic(), r.partition(), r.offset());
      RecordDecoder.Decoded decoded = RecordDecoder.decode(source, r.key(), r.value());
      if (decoded instanceof RecordDecoder.Stored s) {
        rows.add(s.row());
      } else if (decoded instanceof RecordDecoder.Rejected d) {
        letters.add(d.letter());
      }
    }
    return new ConsumedBatch(rows, letters, first, next);
  }

  /** Seeks back so the next poll returns this batch again (for partitions still assigned). */
  void rewind(KafkaConsumer<byte[], byte[]> consumer) {
    first.forEach((tp, offset) -> {
      if (consumer.assignment().contains(tp)) {
        consumer.seek(tp, offset);
      }
    });
  }
}
