package dev.portcullis.audit;

import dev.portcullis.events.EventType;
import dev.portcullis.events.JournalReader;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.TopicRouting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Replays a session from the journal ({@code events.sink: journal}, what {@code portcullis dev} writes), without
 * Kafka or the audit store: reads the four topic files (rotated ones included), keeps the session's events,
 * deduplicated by event id, in time order (a stable sort: events of equal time keep their file order).
 *
 * <p>Every call reads the whole journal: meant for a dev or single-machine journal, not for years of events. With
 * {@code follow} the files are read again every {@code poll} until {@code session.ended}.
 */
public final class JournalReplay implements ReplaySource {
  /** The session id that means "the journal's latest session". */
  public static final String LATEST = "last";

  private final Path dir;
  private final TopicRouting routing = TopicRouting.defaults();
  private final Duration poll;

  public JournalReplay(Path dir, Duration poll) {
    this.dir = dir;
    this.poll = poll;
  }

  /**
   * The full session id for an id, a unique prefix of one, or {@link #LATEST}; null when none matches.
   *
   * @param recorded with {@link #LATEST}: the latest session that recorded terminal frames (an SSH channel)
   * @throws IllegalArgumentException when a prefix matches several sessions
   */
  public String resolve(String idOrPrefix, boolean recorded) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("no journal at " + dir + " (events.journal.dir of the gateway's config)");
    }
    if (LATEST.equals(idOrPrefix)) {
      String topic = routing.topicFor(recorded ? EventType.IO_FRAME : EventType.SESSION_STARTED);
      List<SessionEvent> events = JournalReader.read(dir, topic);
      for (int i = events.size() - 1; i >= 0; i--) {
        SessionEvent e = events.get(i);
        if (recorded || EventType.SESSION_STARTED.equals(e.type())) {
          return e.session().sessionId();
        }
      }
      return null;
    }
    Set<String> ids = new LinkedHashSet<>();
    for (SessionEvent e : JournalReader.read(dir, routing.topicFor(EventType.SESSION_STARTED))) {
      String id = e.session().sessionId();
      if (id != null && id.startsWith(idOrPrefix)) {
        if (id.equals(idOrPrefix)) {
          return id;
        }
        ids.add(id);
      }
    }
    if (ids.size() > 1) {
      throw new IllegalArgumentException("'" + idOrPrefix + "' matches several sessions: " + String.join(", ", ids));
    }
    return ids.isEmpty() ? idOrPrefix : ids.iterator().next(); // an id whose session.started was rotated away
  }

  @Override
  public long replay(String sessionId, boolean follow, Consumer<SessionEvent> out, BooleanSupplier stop)
      throws Exception {
    Set<String> seen = new HashSet<>();
    long emitted = 0;
    boolean ended = false;
    while (true) {
      for (SessionEvent e : read(sessionId)) {
        if (seen.add(e.id())) {
          out.accept(e);
          emitted++;
          ended |= ReplaySource.ends(e);
        }
      }
      if (!follow || emitted == 0 || ended || stop.getAsBoolean()) {
        return emitted;
      }
      Thread.sleep(poll.toMillis()); // a file has no event to wait on; the journal's own flush is periodic too
    }
  }

  private List<SessionEvent> read(String sessionId) throws IOException {
    List<SessionEvent> events = new ArrayList<>();
    for (String topic : routing.topics()) {
      for (SessionEvent e : JournalReader.read(dir, topic)) {
        if (sessionId.equals(e.session().sessionId())) {
          events.add(e);
        }
      }
    }
    events.sort(Comparator.comparing(SessionEvent::time));
    return events;
  }
}
