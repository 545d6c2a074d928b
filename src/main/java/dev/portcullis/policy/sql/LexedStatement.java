package dev.portcullis.policy.sql;

/**
 * One statement cut out of a message by the PostgreSQL-accurate lexer.
 *
 * @param text        the statement's own text as received, without the separating {@code ;}
 * @param fingerprint the statement with every literal replaced by {@code ?}, comments dropped, whitespace collapsed
 *                    and unquoted identifiers/keywords folded to lower case; equal fingerprints mean equal shapes
 *                    (and so equal decisions), EXPLAIN options and identifiers included
 */
public record LexedStatement(String text, String fingerprint) {}
