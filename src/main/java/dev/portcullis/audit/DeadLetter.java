package dev.portcullis.audit;

/**
 * A record the audit consumer could not store as an event (not UTF-8, not JSON, not a version-1 event…): kept
 * as received, with the reason, so that nobody loses it silently and the consumer moves on.
 *
 * @param key   the record key as received ({@code null} when absent)
 * @param value the record value as received ({@code null} when absent)
 */
public record DeadLetter(EventRow.Source source, byte[] key, byte[] value, String error) {}
