package dev.portcullis.forward;

import dev.portcullis.masking.ColumnOrigin;
import dev.portcullis.masking.ColumnRef;
import java.util.Map;

/** Reply to {@link CatalogLookup}: every ref the catalog knows (dropped tables are simply absent). */
public record CatalogOrigins(Map<ColumnRef, ColumnOrigin> origins) {
  public CatalogOrigins {
    origins = Map.copyOf(origins);
  }
}
