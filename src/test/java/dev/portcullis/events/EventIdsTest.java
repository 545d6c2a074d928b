package dev.portcullis.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  @Test
  void idsAreVersion7UuidsCarryingTheCurrentTime() {
    long before = System.currentTimeMillis();
    UUID id = UUID.fromString(EventIds.next());
    long after = System.currentTimeMillis();
    assertEquals(7, id.version());
    assertEquals(2, id.variant()); // RFC 9562 variant
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(millis >= before && millis <= after, "timestamp " + millis + " outside [" + before + ", " + after + "]");
  }

  @Test
  void manyIdsFromSeveralThreadsAreAllDistinct() throws Exception {
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          ids.add(EventIds.next());
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(200_000, ids.size());
  }

  @Test
  void idsSortByTimeAcrossMilliseconds() throws Exception {
    String first = EventIds.next();
    long start = System.currentTimeMillis();
    while (System.currentTimeMillis() == start) {
      Thread.onSpinWait(); // wait for the clock to tick: the next id must sort after the first
    }
    assertTrue(EventIds.next().compareTo(first) > 0);
  }
}
