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

  /**
   * The full session id for an id or a unique prefix of one; {@code null} when no session matches.
   *
   * @throws IllegalArgumentException when the prefix matches several sessions
   */
  public String resolve(String idOrPrefix) throws Exception {
    List<String> ids = store.sessionsStartingWith(idOrPrefix, 5).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    if (ids.contains(idOrPrefix) || ids.size() == 1) {
      return ids.contains(idOrPrefix) ? idOrPrefix : ids.get(0);
    }
    if (ids.isEmpty()) {
      return null;
    }
    throw new IllegalArgumentException("'" + idOrPrefix + "' matches several sessions: " + String.join(", ", ids)
        + (ids.size() == 5 ? ", …" : ""));
  }

  @Override
  public long replay(String idOrPrefix, boolean follow, Consumer<SessionEvent> out, BooleanSupplier stop)
      throws Exception {
    String sessionId = resolve(idOrPrefix);
    if (sessionId == null) {
      return 0;
    }
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
