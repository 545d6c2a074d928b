package dev.portcullis.masking;

import java.util.ArrayList;
import java.util.List;

/**
 * The masking of one result set, decided once per RowDescription and applied to each of its DataRows: per column
 * the {@link ColumnMask} (or {@code null}), the type OID and the format the client receives. The column label used
 * in events is the source column's qualified name when the catalog resolved it, else the result column's name.
 */
public final class ColumnPlan {
  private final String[] columns;
  private final ColumnMask[] masks;
  private final int[] typeOids;
  private final short[] formats;
  private final boolean masksAnything;

  public ColumnPlan(List<String> columns, List<ColumnMask> masks, int[] typeOids, short[] formats) {
    int n = columns.size();
    if (masks.size() != n || typeOids.length != n || formats.length != n) {
      throw new IllegalArgumentException("a column plan needs one name, mask slot, type and format per column");
    }
    this.columns = columns.toArray(String[]::new);
    this.masks = masks.toArray(ColumnMask[]::new);
    this.typeOids = typeOids.clone();
    this.formats = formats.clone();
    this.masksAnything = masks.stream().anyMatch(m -> m != null);
  }

  public int size() {
    return columns.length;
  }

  public String column(int i) {
    return columns[i];
  }

  /** The column's mask, {@code null} when it is sent as it is. */
  public ColumnMask mask(int i) {
    return masks[i];
  }

  public int typeOid(int i) {
    return typeOids[i];
  }

  public short format(int i) {
    return formats[i];
  }

  public boolean masksAnything() {
    return masksAnything;
  }

  /** One line per masked column, e.g. {@code public.customers.email: partial by rule 'a#1'}. */
  public List<String> descriptions() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < masks.length; i++) {
      if (masks[i] != null) {
        out.add(columns[i] + ": " + masks[i].describe());
      }
    }
    return out;
  }
}
