package dev.portcullis.events.kafka;

import dev.portcullis.config.EventsConfig;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the cluster whether it answers, for a gateway with no events waiting: otherwise an idle gateway could not
 * tell that Kafka went away and would admit sessions whose events cannot be delivered. Blocking; forwarder thread.
 */
final class KafkaProbe implements AutoCloseable {
  private final Properties properties = new Properties();
  private Admin admin;

  KafkaProbe(EventsConfig.Kafka config) {
    // The operator's properties that concern an admin client (security settings), without producer-only keys.
    for (Map.Entry<String, String> e : config.properties().entrySet()) {
      if (AdminClientConfig.configNames().contains(e.getKey())) {
        properties.put(e.getKey(), e.getValue());
      }
    }
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "portcullis-events-probe");
    properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
  }

  /** True when a broker described the cluster within {@code timeoutMs}. */
  boolean reachable(long timeoutMs) {
    try {
      if (admin == null) {
        admin = Admin.create(properties);
      }
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).nodes()
          .get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(1));
      admin = null;
    }
  }
}
