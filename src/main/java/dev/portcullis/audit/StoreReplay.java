package dev.portcullis.audit;

import dev.portcullis.events.SessionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Replays a session from the audit store. Following polls the store for rows stored since the last look (with an
 * overlap, since concurrent consumers' transactions commit out of their timestamps' order) and drops ids already
 * shown.
 */
public final class StoreReplay implements ReplaySource {
  private static final Duration OVERLAP = Duration.ofSeconds(10);

  private final AuditStore store;
  private final Duration pollEvery;

  public StoreReplay(AuditStore store, Duration pollEvery) {
    this.store = store;
    this.pollEvery = pollEvery;
  }

  @Override
  public long replay(String sessionId, boolean follow, Consumer<SessionEvent> out, BooleanSupplier stop)
      throws Exception {
    Set<String> seen = new HashSet<>();
    Instant lastStored = null;
    boolean ended = false;
    while (true) {
      Instant after = lastStored == null ? null : lastStored.minus(OVERLAP);
      List<AuditStore.StoredEvent> events = store.session(sessionId, after).toCompletionStage()
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      List<SessionEvent> fresh = new ArrayList<>();
      for (AuditStore.StoredEvent stored : events) {
        if (seen.add(stored.event().id())) {
          fresh.add(stored.event());
        }
        if (lastStored == null || stored.storedAt().isAfter(lastStored)) {
          lastStored = stored.storedAt();
        }
      }
      for (SessionEvent e : fresh) {
        out.accept(e);
        ended |= ReplaySource.ends(e);
      }
      if (seen.isEmpty() || !follow || ended || stop.getAsBoolean()) {
        return seen.size();
      }
      Thread.sleep(pollEvery.toMillis());
    }
  }
}
