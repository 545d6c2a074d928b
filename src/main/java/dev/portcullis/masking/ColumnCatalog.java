package dev.portcullis.masking;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;

/**
 * Names the source columns of a result: RowDescription gives only (table OID, attribute number) pairs, masking rules
 * are written as {@code schema.table.column} globs.
 */
public interface ColumnCatalog {
  /**
   * The origins of {@code refs}, from the cache where fresh, the rest looked up. A ref the catalog does not know
   * (OID 0, a dropped table or column, a relation not yet committed) is absent from the map. The future fails when
   * the lookup itself fails; the caller must then fail closed.
   */
  Future<Map<ColumnRef, ColumnOrigin>> resolve(Set<ColumnRef> refs);

  /** Forgets everything (after DDL): the next resolve looks the names up again. */
  void invalidate();

  Future<Void> close();
}
