package dev.portcullis.audit;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * One replayed event as text: its time, its offset from the session's start, what it was, and for statements the
 * full text (continuation lines indented). The first event also prints a header with the session's identity.
 */
public final class ReplayText {
  private Instant start;

  /** The lines for one event, in session order; ends with a newline. */
  public String render(SessionEvent e) {
    StringBuilder out = new StringBuilder();
    if (start == null) {
      start = e.time();
      var who = e.session().identity();
      out.append("session ").append(e.session().sessionId()).append(": ").append(who.subject())
          .append(" [").append(String.join(",", who.groups())).append("] issuer ").append(who.issuer())
          .append(" → ").append(e.session().target()).append(" (").append(e.session().protocol())
          .append(") via gateway ").append(e.session().gatewayId()).append('\n');
    }
    out.append(EventJson.formatTime(e.time())).append("  ").append(offset(e.time())).append("  ");
    String n = EventText.statementNumber(e);
    String label = switch (e.type()) {
      case EventType.STATEMENT_DECIDED -> "statement " + n;
      case EventType.STATEMENT_COMPLETED -> "completed " + n;
      default -> n.isEmpty() ? e.type() : e.type() + " " + n;
    };
    out.append(String.format("%-22s", label)).append(EventText.summary(e)).append('\n');
    if (EventType.STATEMENT_DECIDED.equals(e.type()) && e.details().get("text") instanceof String text) {
      for (String line : text.strip().split("\\R")) {
        out.append("    ").append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code +12.345s} (or {@code -…} for an event stamped before the first one, e.g. by another gateway's clock). */
  private String offset(Instant t) {
    Duration d = Duration.between(start, t);
    long millis = d.toMillis();
    String sign = millis < 0 ? "-" : "+";
    millis = Math.abs(millis);
    return String.format("%s%d.%03ds", sign, millis / 1000, millis % 1000);
  }
}
