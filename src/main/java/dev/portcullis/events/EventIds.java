package dev.portcullis.events;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids: version-7 UUIDs (RFC 9562) — 48 bits of Unix milliseconds, then 74 random bits.
 *
 * <p>Why not {@link UUID#randomUUID()}: it draws from the shared {@code SecureRandom}, a lock and a read of
 * {@code /dev/urandom} on the statement path, twice per statement. Ids only need to be unique (consumers dedupe on
 * them), not unguessable, so a per-thread generator is enough. Time-ordered ids also keep the audit store's
 * primary-key index appending at its end instead of writing all over it.
 */
public final class EventIds {
  private EventIds() {}

  public static String next() {
    long millis = System.currentTimeMillis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb).toString();
  }
}
