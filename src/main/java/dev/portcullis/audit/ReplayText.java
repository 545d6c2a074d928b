package dev.portcullis.audit;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import dev.portcullis.events.SessionEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One replayed event as text: its time, its offset from the session's start, what it was, and for statements the
 * full text (continuation lines indented). The first event also prints a header with the session's identity.
 *
 * <p>Approval events are numbered like the statement they are for: a request carries its statement id, and a
 * decision is matched to the request with the same approval id. A request shows its Bind values, and its text only
 * when it differs from what the statement's event showed (with {@code audit: { literals: redact }} that one is the
 * fingerprint). Everything that came from an agent or an approver is printed with control characters escaped.
 */
public final class ReplayText {
  private static final int LABEL = 22;
  /** A stderr frame shows at most this many characters (a frame holds up to 16 KiB). */
  static final int MAX_STDERR_CHARS = 2000;

  private Instant start;
  /** statement id → the text its statement.decided showed. */
  private final Map<String, String> statementTexts = new HashMap<>();
  /** approval id → statement number, from the approval.requested events seen. */
  private final Map<String, String> approvals = new HashMap<>();
  private long framesNotShown;

  /** How many {@code io.frame} events {@link #render} left out (all but the target's stderr). */
  public long framesNotShown() {
    return framesNotShown;
  }

  /**
   * The lines for one event, in session order; ends with a newline. Terminal frames render as nothing, except the
   * target's stderr ({@code "e"}): an exec's error messages belong in the timeline, under their statement.
   */
  public String render(SessionEvent e) {
    boolean stderr = EventType.IO_FRAME.equals(e.type()) && SessionEvents.ERROR.equals(e.details().get("stream"));
    if (EventType.IO_FRAME.equals(e.type()) && !stderr) {
      framesNotShown++; // a shell session has thousands: the asciicast format is the way to see them
      return "";
    }
    StringBuilder out = new StringBuilder();
    if (start == null) {
      start = e.time();
      var who = e.session().identity();
      out.append(EventText.printable("session " + e.session().sessionId() + ": " + who.subject() + " ["
          + String.join(",", who.groups()) + "] issuer " + who.issuer() + " → " + e.session().target() + " ("
          + e.session().protocol() + ") via gateway " + e.session().gatewayId())).append('\n');
    }
    out.append(EventJson.formatTime(e.time())).append("  ").append(offset(e.time())).append("  ");
    String n = number(e);
    String label = switch (e.type()) {
      case EventType.IO_FRAME -> "stderr " + n;
      case EventType.STATEMENT_DECIDED -> "statement " + n;
      case EventType.STATEMENT_COMPLETED -> "completed " + n;
      default -> n.isEmpty() ? e.type() : e.type() + " " + n;
    };
    if (stderr) {
      out.append(label).append('\n');
      String data = e.details().get("data") instanceof String d ? d : "";
      indented(out, data.length() <= MAX_STDERR_CHARS ? data : data.substring(0, MAX_STDERR_CHARS) + " … ("
          + (data.length() - MAX_STDERR_CHARS) + " more characters)");
      return out.toString();
    }
    out.append(EventText.printable(String.format("%-" + (LABEL - 1) + "s ", label) + EventText.summary(e)))
        .append('\n');
    Object statementId = e.details().get("statementId");
    String text = e.details().get("text") instanceof String t ? t : null;
    if (EventType.STATEMENT_DECIDED.equals(e.type()) && text != null) {
      if (statementId instanceof String id) {
        statementTexts.put(id, text);
      }
      indented(out, text);
    } else if (EventType.APPROVAL_REQUESTED.equals(e.type())) {
      if (text != null && !text.equals(statementTexts.get(statementId))) {
        indented(out, text);
      }
      String parameters = EventText.parameters(e);
      if (!parameters.isEmpty()) {
        out.append("    with ").append(EventText.printable(parameters)).append('\n');
      }
    }
    return out.toString();
  }

  /** The statement number; for an approval decision, that of its request (if this replay showed it). */
  private String number(SessionEvent e) {
    String n = EventText.statementNumber(e);
    Object approvalId = e.details().get("approvalId");
    if (EventType.APPROVAL_REQUESTED.equals(e.type()) && approvalId instanceof String id && !n.isEmpty()) {
      approvals.put(id, n);
    } else if (EventType.APPROVAL_DECIDED.equals(e.type()) && n.isEmpty() && approvalId instanceof String id) {
      n = approvals.getOrDefault(id, "");
    }
    return n;
  }

  private static void indented(StringBuilder out, String text) {
    for (String line : text.strip().split("\\R")) {
      out.append("    ").append(EventText.printable(line)).append('\n');
    }
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
