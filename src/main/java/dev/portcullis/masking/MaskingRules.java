package dev.portcullis.masking;

import dev.portcullis.policy.Policy;
import java.util.List;
import java.util.Map;

/**
 * The masking entries of the policies that apply to a session's identity and target, compiled once per session.
 *
 * <p>A result column is masked whole-value when its source column — the catalog's {@code schema.table.column}
 * or, for a view column, any base column it exposes — matches a {@code columns} glob, or when the result column's
 * name matches a {@code names} glob (the only handle on expressions and aliases, whose table OID is 0). When
 * several entries match, the most restrictive strategy wins (null &gt; redact &gt; hash &gt; partial). Any other
 * column is scanned by the union of all entries' {@code classifiers}, with the most restrictive strategy among
 * those entries; with no classifier entries it is sent as it is.
 *
 * <p>Globs: a {@code columns} glob has exactly three dot-separated parts and {@code *} (any run) and {@code ?} (one
 * character) match within one part, case-sensitively, as the catalog stores names ({@code *.*.card_number} is
 * every {@code card_number} column). A {@code names} glob matches the whole result column name, ignoring case.
 */
public interface MaskingRules {
  /**
   * One slot per field; {@code null} = not masked. {@code origins} has an entry for every field with a table OID
   * the catalog could resolve; {@code formats} are the formats the client will actually receive, per column.
   */
  ColumnPlan plan(List<ResultField> fields, Map<ColumnRef, ColumnOrigin> origins, short[] formats);

  boolean isEmpty();

  /** @throws IllegalArgumentException for a malformed glob or an unknown strategy */
  static MaskingRules compile(List<Policy.Masking> entries, HashKey key) {
    return CompiledMaskingRules.compile(entries, key);
  }
}
