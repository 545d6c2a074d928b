package dev.portcullis.masking;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many values a statement had masked, per column, rule and strategy — summed over its result sets (a simple
 * query may return several). Counted per value on the rewrite path, so the current plan's counters are cached by
 * column index and the map is touched once per column and result set. Not thread-safe: one per statement, used on
 * its session's event loop.
 */
public final class MaskCounts {
  private record Key(String column, String rule, String strategy) {}

  private final Map<Key, long[]> counts = new LinkedHashMap<>();
  private ColumnPlan cachedPlan;
  private long[][] cachedSlots;

  /** Counts one masked value of {@code plan}'s column {@code column}. */
  public void add(ColumnPlan plan, int column) {
    if (plan != cachedPlan) {
      cachedPlan = plan;
      cachedSlots = new long[plan.size()][];
    }
    long[] slot = cachedSlots[column];
    if (slot == null) {
      ColumnMask mask = plan.mask(column);
      Key key = new Key(plan.column(column), mask.rule(), mask.strategy().name());
      slot = counts.computeIfAbsent(key, k -> new long[1]);
      cachedSlots[column] = slot;
    }
    slot[0]++;
  }

  public boolean isEmpty() {
    return counts.isEmpty();
  }

  /** In the order the columns were first masked. */
  public List<MaskedColumn> columns() {
    List<MaskedColumn> out = new ArrayList<>(counts.size());
    counts.forEach((k, v) -> out.add(new MaskedColumn(k.column(), k.rule(), k.strategy(), v[0])));
    return out;
  }
}
