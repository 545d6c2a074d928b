package dev.portcullis.masking;

/**
 * A result column's source as RowDescription gives it: the table's OID and the column's attribute number. Both are
 * 0 for columns that are not a plain table column (expressions, casts, set operations).
 */
public record ColumnRef(int tableOid, short attnum) {}
