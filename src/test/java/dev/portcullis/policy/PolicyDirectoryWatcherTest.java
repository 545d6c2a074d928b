package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyDirectoryWatcherTest {
  private static final Identity AGENT =
      new Identity("a", List.of("ai-agents"), "https://idp", Instant.now().plusSeconds(600));

  static String policy(String tables) {
    return """
        policies:
          - name: p
            subjects: { groups: [ai-agents] }
            targets: [orders]
            rules:
              - name: read
                action: allow
                statements: [select]
                tables: [%s]
        """.formatted(tables);
  }

  @TempDir
  Path dir;

  /** Replaces the file in one step, so a poll never sees it half written (which would be a legit failed load). */
  void replace(Path file, String text) throws IOException {
    Path tmp = dir.resolve("p.yaml.tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  Decision decide(PolicyEngine engine, String sql) throws Exception {
    return engine.judge(new JudgeRequest("s", AGENT, "orders", sql, Map.of())).toCompletableFuture()
        .get(5, TimeUnit.SECONDS).overall();
  }

  @Test
  void reloadsOnChangeAndKeepsLastGoodSetOnBrokenFile() throws Exception {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, policy("\"public.orders\""));
    PolicyEngine engine = new PolicyEngine(new PostgresSqlAnalyzer(), Runnable::run, 100,
        PolicyLoader.loadDirectory(dir));
    try (PolicyDirectoryWatcher watcher = new PolicyDirectoryWatcher(dir, engine)) {
      assertNull(watcher.check(), "nothing changed yet");
      assertTrue(decide(engine, "SELECT * FROM orders").allowed());
      assertTrue(!decide(engine, "SELECT * FROM customers").allowed());
      long v1 = engine.policies().version();

      // a periodic watcher picks the change up; the test awaits the reload event, not a sleep
      watcher.start(20);
      var reload = watcher.nextReload();
      replace(file, policy("\"public.orders\", \"public.customers\""));
      PolicyDirectoryWatcher.Outcome loaded = reload.get(10, TimeUnit.SECONDS);
      assertInstanceOf(PolicyDirectoryWatcher.Outcome.Loaded.class, loaded);
      assertEquals(v1 + 1, engine.policies().version());
      assertTrue(decide(engine, "SELECT * FROM customers").allowed(), "new set in force, no stale cache");

      reload = watcher.nextReload();
      replace(file, policy("\"public.orders\"").replace("tables:", "tabels:"));
      PolicyDirectoryWatcher.Outcome failed = reload.get(10, TimeUnit.SECONDS);
      PolicyDirectoryWatcher.Outcome.Failed f = (PolicyDirectoryWatcher.Outcome.Failed) failed;
      assertTrue(f.message().contains("p.yaml:9:9: unknown key 'tabels'"), f.message());
      assertEquals(v1 + 1, engine.policies().version(), "last good set kept");
      assertTrue(decide(engine, "SELECT * FROM customers").allowed());

      reload = watcher.nextReload();
      Files.delete(file);
      assertInstanceOf(PolicyDirectoryWatcher.Outcome.Loaded.class, reload.get(10, TimeUnit.SECONDS));
      assertTrue(!decide(engine, "SELECT * FROM orders").allowed(), "no policies: everything refused");
    }
  }
}
