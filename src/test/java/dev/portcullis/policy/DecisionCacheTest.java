package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {
  static DecisionCache.Key key(long version, String fingerprint) {
    return new DecisionCache.Key(version, List.of("p"), "orders", fingerprint);
  }

  @Test
  void boundedLeastRecentlyUsed() {
    DecisionCache cache = new DecisionCache(2);
    DecisionCache.Entry e = new DecisionCache.Entry(StatementAnalysis.unsupported("x"), null);
    cache.put(key(1, "a"), e);
    cache.put(key(1, "b"), e);
    assertNotNull(cache.get(key(1, "a"))); // a is now the most recently used
    cache.put(key(1, "c"), e);
    assertEquals(2, cache.size());
    assertNull(cache.get(key(1, "b")), "least recently used entry evicted");
    assertNotNull(cache.get(key(1, "a")));
    assertNull(cache.get(key(2, "a")), "another policy version is another key");
    assertNull(cache.get(new DecisionCache.Key(1, List.of("p", "q"), "orders", "a")), "another policy set");
    assertNull(cache.get(new DecisionCache.Key(1, List.of("p"), "billing", "a")), "another target");
  }
}
