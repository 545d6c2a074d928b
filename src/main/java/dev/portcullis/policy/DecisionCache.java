package dev.portcullis.policy;

import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounded LRU of analyses and decisions by statement shape (design-notes §5). The key holds everything a decision
 * depends on besides the shape: the policy version (a reload makes old entries unreachable), the names of the
 * identity's applicable policies and the target. Thread-safe; the lock is held only for a map operation.
 */
public final class DecisionCache {
  /**
   * @param policies the applicable policies' names, in load order
   */
  public record Key(long version, List<String> policies, String target, String fingerprint) {}

  /**
   * @param decision {@code null} for EXECUTE, whose decision depends on the session's prepared text
   * @param tables   the analysis' tables, sorted once here instead of on every hit
   * @param functions the analysis' functions, sorted likewise
   */
  public record Entry(StatementAnalysis analysis, Decision decision, List<String> tables, List<String> functions) {
    public Entry(StatementAnalysis analysis, Decision decision) {
      this(analysis, decision, sorted(analysis.tables()), sorted(analysis.functions()));
    }

    static List<String> sorted(java.util.Set<String> names) {
      return List.copyOf(new java.util.TreeSet<>(names));
    }
  }

  private final Map<Key, Entry> map;
  private long hits;
  private long misses;

  public DecisionCache(int capacity) {
    this.map = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized Entry get(Key key) {
    Entry e = map.get(key);
    if (e == null) {
      misses++;
    } else {
      hits++;
    }
    return e;
  }

  public synchronized void put(Key key, Entry entry) {
    map.put(key, entry);
  }

  /** Drops everything (after a reload the old entries could never be hit again; free the memory now). */
  public synchronized void clear() {
    map.clear();
  }

  public synchronized int size() {
    return map.size();
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }
}
