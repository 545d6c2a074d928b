package dev.portcullis.masking;

/**
 * One field of a RowDescription: the result column's name, its source ({@code tableOid} and {@code columnAttr}, both
 * 0 for expressions), its type and the format (0 text, 1 binary) the server will send its values in — which, for
 * Describe before Bind, is always 0 and not the format the client later asks for.
 */
public record ResultField(String name, int tableOid, short columnAttr, int typeOid, short typeSize,
    int typeModifier, short format) {
  public ColumnRef ref() {
    return new ColumnRef(tableOid, columnAttr);
  }
}
