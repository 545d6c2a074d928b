package dev.portcullis.masking;

import java.util.List;

/**
 * What the catalog knows of a {@link ColumnRef}: its own qualified name ({@code schema.table.column}, names as the
 * catalog stores them) and, when the relation is a view, the base-table columns the view column may expose (so a
 * rule on {@code public.customers.email} also covers a view that selects it).
 */
public record ColumnOrigin(String qualifiedName, List<String> baseColumns) {
  public ColumnOrigin {
    baseColumns = List.copyOf(baseColumns);
  }

  public static ColumnOrigin of(String qualifiedName) {
    return new ColumnOrigin(qualifiedName, List.of());
  }
}
