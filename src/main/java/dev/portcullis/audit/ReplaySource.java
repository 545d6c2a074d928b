package dev.portcullis.audit;

import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Where {@code replay} reads a session from: the audit store, the Kafka topics themselves, or the journal. */
public sealed interface ReplaySource permits StoreReplay, KafkaReplay, JournalReplay {
  /**
   * Emits the session's events in the order they happened. With {@code follow}, keeps emitting events as they
   * arrive until {@code session.ended} or until {@code stop} says so.
   *
   * @return how many events were emitted; 0 means the source does not know the session (nothing is followed then)
   * @throws IllegalArgumentException when the id is ambiguous (a prefix of several sessions)
   */
  long replay(String sessionId, boolean follow, Consumer<SessionEvent> out, BooleanSupplier stop) throws Exception;

  static boolean ends(SessionEvent e) {
    return EventType.SESSION_ENDED.equals(e.type());
  }
}
