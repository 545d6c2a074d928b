package dev.portcullis.ssh.recording;

import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds an asciicast v2 file (the format asciinema records and plays) from a session's events: it collects every
 * recorded channel's {@code io.frame} events, in whatever order the replay source gives them, and writes one
 * channel as a cast: a header line {@code {"version": 2, "width", "height", "timestamp", "title"}} and then one
 * line {@code [seconds, "o"|"i"|"r", data]} per frame. Asciicast v2 has no stderr: the target's stderr frames
 * ({@code "e"}) are written as {@code "o"}, interleaved with stdout as the agent's terminal showed them; a gateway
 * marker ({@code "m"}, e.g. where recording stopped) is written as an asciicast marker.
 *
 * <p>Frames are ordered and deduplicated by {@code seq} (deliveries are at-least-once, and a wall clock that
 * stepped back could reorder a store's time order); times are the frames' {@code offsetMs}, so a cast starts when
 * its channel opened. A resize before any output is the terminal's initial size and becomes the header's
 * width and height (80x24 when the channel had no terminal). A channel without a terminal (exec without a PTY)
 * sent bare line feeds that the agent's own terminal showed as new lines; the cast writes them as CR LF so that
 * it plays the same way.
 */
public final class Asciicast {
  static final int DEFAULT_WIDTH = 80;
  static final int DEFAULT_HEIGHT = 24;

  /** One recorded channel: its statement as {@code statement.decided} showed it (null when not seen). */
  public record Channel(String statementId, long number, String text, List<String> kinds) {
    /** Whether it is an exec or a shell channel, or of an unknown kind. */
    boolean interactiveOrExec() {
      return kinds == null || kinds.contains("exec") || kinds.contains("shell");
    }

    /** {@code 2 (exec: ls -la)}: for messages to the operator. */
    public String describe() {
      String kind = kinds == null || kinds.isEmpty() ? "" : String.join(",", kinds) + ": ";
      return number + (text == null ? "" : " (" + kind + text + ")");
    }
  }

  /** Frames a channel lacks: how many, and the first missing {@code seq} (-1 when none). */
  public record Gaps(long count, long first) {}

  /** statement id → its frames, by seq (the first delivery of each seq). */
  private final Map<String, TreeMap<Long, SessionEvent>> frames = new LinkedHashMap<>();
  private final Map<String, SessionEvent> decided = new LinkedHashMap<>();
  private String subject;
  private String target;

  /** Takes one event of the session; events other than frames and decisions only name the session. */
  public void accept(SessionEvent e) {
    if (subject == null) {
      subject = e.session().identity().subject();
      target = e.session().target();
    }
    Object id = e.details().get("statementId");
    if (!(id instanceof String statementId)) {
      return;
    }
    if (EventType.STATEMENT_DECIDED.equals(e.type())) {
      decided.putIfAbsent(statementId, e);
    } else if (EventType.IO_FRAME.equals(e.type()) && e.details().get("seq") instanceof Number seq) {
      frames.computeIfAbsent(statementId, k -> new TreeMap<>()).putIfAbsent(seq.longValue(), e);
    }
  }

  /** The recorded channels, in statement order. */
  public List<Channel> channels() {
    List<Channel> out = new ArrayList<>();
    for (String id : frames.keySet()) {
      SessionEvent d = decided.get(id);
      List<String> kinds = null;
      if (d != null && d.details().get("kinds") instanceof List<?> list) {
        kinds = list.stream().map(String::valueOf).toList();
      }
      String text = d == null || d.details().get("text") == null ? null : String.valueOf(d.details().get("text"));
      out.add(new Channel(id, number(id), text, kinds));
    }
    out.sort(Comparator.comparingLong(Channel::number).thenComparing(Channel::statementId));
    return out;
  }

  /**
   * The channel to write: the one whose statement number (or full statement id) is {@code statement}, or when
   * that is null the first exec or shell channel (failing that, the first channel). Null when there is none.
   */
  public Channel choose(String statement) {
    List<Channel> all = channels();
    for (Channel c : all) {
      if (statement == null ? c.interactiveOrExec()
          : statement.equals(c.statementId()) || statement.equals(String.valueOf(c.number()))) {
        return c;
      }
    }
    return statement == null && !all.isEmpty() ? all.get(0) : null;
  }

  /**
   * Writes the channel as asciicast v2, one JSON document per line.
   *
   * @return the frames missing from the channel (lost in delivery); {@link Gaps#count} 0 when it is whole
   */
  public Gaps write(Channel channel, Appendable out) throws IOException {
    TreeMap<Long, SessionEvent> byseq = frames.get(channel.statementId());
    List<SessionEvent> list = new ArrayList<>(byseq.values());
    long missing = 0;
    long firstMissing = -1;
    long expected = 0;
    for (long seq : byseq.keySet()) {
      if (seq > expected) {
        missing += seq - expected;
        firstMissing = firstMissing < 0 ? expected : firstMissing;
      }
      expected = seq + 1;
    }
    boolean terminal = list.stream().anyMatch(f -> SessionEvents.RESIZE.equals(f.details().get("stream")));
    int width = DEFAULT_WIDTH;
    int height = DEFAULT_HEIGHT;
    int first = 0;
    if (!list.isEmpty() && SessionEvents.RESIZE.equals(list.get(0).details().get("stream"))) {
      long cols = number(list.get(0), "cols", 0);
      long rows = number(list.get(0), "rows", 0);
      width = cols > 0 && cols <= 10_000 ? (int) cols : DEFAULT_WIDTH;
      height = rows > 0 && rows <= 10_000 ? (int) rows : DEFAULT_HEIGHT;
      first = 1; // the initial size is the header's, not an event
    }
    JsonObject header = new JsonObject().put("version", 2).put("width", width).put("height", height);
    if (!list.isEmpty()) {
      SessionEvent f = list.get(0);
      Instant opened = f.time().minusMillis(number(f, "offsetMs", 0));
      header.put("timestamp", opened.getEpochSecond());
    }
    header.put("title", title(channel));
    out.append(header.encode()).append('\n');

    long lastMs = 0;
    boolean afterCr = false;
    for (int i = first; i < list.size(); i++) {
      SessionEvent f = list.get(i);
      String stream = String.valueOf(f.details().get("stream"));
      if (SessionEvents.ERROR.equals(stream)) {
        stream = SessionEvents.OUTPUT;
      }
      String data = f.details().get("data") instanceof String s ? s : "";
      if (!terminal && SessionEvents.OUTPUT.equals(stream)) {
        String translated = crlf(data, afterCr);
        afterCr = !data.isEmpty() ? data.charAt(data.length() - 1) == '\r' : afterCr;
        data = translated;
      }
      lastMs = Math.max(lastMs, number(f, "offsetMs", lastMs)); // never back in time, whatever the input says
      out.append('[').append(BigDecimal.valueOf(lastMs, 3).toPlainString()).append(", ")
          .append(Json.encode(stream)).append(", ").append(Json.encode(data)).append("]\n");
    }
    return new Gaps(missing, firstMissing);
  }

  private String title(Channel channel) {
    String what = channel.text() == null ? "statement " + channel.number() : channel.text();
    return (subject == null ? "" : subject + " → ") + (target == null ? "" : target + ": ") + what;
  }

  /** Bare LF as CR LF; {@code afterCr} says whether the previous frame ended with CR. */
  static String crlf(String data, boolean afterCr) {
    if (data.indexOf('\n') < 0) {
      return data;
    }
    StringBuilder out = new StringBuilder(data.length() + 16);
    char previous = afterCr ? '\r' : 0;
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\n' && previous != '\r') {
        out.append('\r');
      }
      out.append(c);
      previous = c;
    }
    return out.toString();
  }

  private static long number(String statementId) {
    int slash = statementId.lastIndexOf('/');
    try {
      return Long.parseLong(statementId.substring(slash + 1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long number(SessionEvent e, String key, long otherwise) {
    return e.details().get(key) instanceof Number n ? Math.max(0, n.longValue()) : otherwise;
  }
}
