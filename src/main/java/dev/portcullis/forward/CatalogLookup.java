package dev.portcullis.forward;

import dev.portcullis.masking.ColumnRef;
import java.util.Set;

/**
 * Request on {@code Addresses.FORWARD_PG_CATALOG}: the names of result columns of {@code target}, asked by the
 * termination side when a result needs masking. Answered with {@link CatalogOrigins}.
 */
public record CatalogLookup(String target, Set<ColumnRef> refs) {
  public CatalogLookup {
    refs = Set.copyOf(refs);
  }
}
