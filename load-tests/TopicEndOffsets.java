import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Prints how many records a topic holds (the sum of its partitions' end offsets), for the load test's events/s.
 * Run as a single source file on the project's classpath: {@code java -cp CP load-tests/TopicEndOffsets.java
 * BOOTSTRAP TOPIC}. A topic that does not exist yet holds 0.
 */
public class TopicEndOffsets {
  public static void main(String[] args) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", args[0]))) {
      if (!admin.listTopics().names().get().contains(args[1])) {
        System.out.println(0);
        return;
      }
      var partitions = admin.describeTopics(java.util.List.of(args[1])).allTopicNames().get().get(args[1])
          .partitions().stream().map(p -> new TopicPartition(args[1], p.partition()))
          .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      long total = 0;
      for (var info : admin.listOffsets(partitions).all().get().values()) {
        total += info.offset();
      }
      System.out.println(total);
    }
  }
}
