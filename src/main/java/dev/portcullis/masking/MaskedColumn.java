package dev.portcullis.masking;

/** What {@code statement.completed} reports per masked column: never a value, only how many were masked. */
public record MaskedColumn(String column, String rule, String strategy, long values) {}
