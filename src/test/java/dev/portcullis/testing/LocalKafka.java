package dev.portcullis.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one node) for tests, running inside the test JVM
 * (design-notes §6: no Docker engine on our machines). Its ports and data directory are fixed for its lifetime, so
 * {@link #stop()} followed by {@link #start()} is a broker outage that clients recover from, with every record
 * written before the outage still there.
 *
 * <p>One shared instance per test JVM ({@link #get()}) for tests that only need "a broker"; tests that stop the
 * broker create their own with {@link #create()} and close it. Use your own topic names (or prefix) per test class.
 */
public final class LocalKafka implements AutoCloseable {
  private static LocalKafka shared;

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  private LocalKafka(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** The JVM-wide broker, started on first use and stopped when the JVM exits. */
  public static synchronized LocalKafka get() {
    if (shared == null) {
      LocalKafka kafka = create();
      Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "local-kafka-stop"));
      shared = kafka;
    }
    return shared;
  }

  /** A started broker of your own, on fresh ports and a fresh data directory; {@link #close()} it. */
  public static LocalKafka create() {
    try {
      LocalKafka kafka = new LocalKafka(Files.createTempDirectory("portcullis-kafka"), freePort(), freePort());
      kafka.format();
      kafka.start();
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker (again, after {@link #stop()}: same ports, same data). Returns once it serves requests. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  /** Stops the broker; clients see it unreachable until {@link #start()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  /** Creates topics with {@code partitions} partitions each (replication 1); existing ones are left alone. */
  public void createTopics(int partitions, String... names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics = Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("creating topics " + List.of(names) + ": " + e.getCause(), e);
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("creating topics " + List.of(names), e);
    }
  }

  /** An admin client on this broker; close it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is not worth failing a test run for
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("num.partitions", "3");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Small segments and fast shutdown keep a test's stop/start cycle short.
    p.put("controlled.shutdown.enable", "false");
    p.put("log.flush.interval.messages", "1"); // a stopped broker still has every acknowledged record
    return p;
  }

  private void format() throws IOException {
    Path config = dir.resolve("server.properties");
    try (var out = Files.newOutputStream(config)) {
      properties().store(out, "portcullis test broker");
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
        config.toString(), "--ignore-formatted"}, new PrintStream(log, true,
        StandardCharsets.UTF_8));
    if (rc != 0) {
      throw new IllegalStateException("kafka storage format failed: " + log.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new IllegalStateException("kafka broker on " + bootstrapServers() + " did not become ready", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
