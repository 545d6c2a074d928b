package dev.portcullis.audit;

import dev.portcullis.events.EventType;
import dev.portcullis.events.SessionEvent;
import java.util.List;
import java.util.Map;

/** Short human descriptions of events, shared by the search table and the replay text. */
final class EventText {
  private EventText() {}

  /** The statement number of a {@code "<sessionId>/<n>"} statement id, or {@code ""}. */
  static String statementNumber(SessionEvent e) {
    Object id = e.details().get("statementId");
    if (!(id instanceof String s)) {
      return "";
    }
    int slash = s.lastIndexOf('/');
    return slash < 0 ? s : s.substring(slash + 1);
  }

  static String string(SessionEvent e, String key) {
    Object v = e.details().get(key);
    return v == null ? "" : String.valueOf(v);
  }

  /** {@code rule/policy}, or {@code "no rule"} for an implicit deny. */
  static String ruleOf(SessionEvent e) {
    Object rule = e.details().get("rule");
    Object policy = e.details().get("policy");
    if (rule == null) {
      return EventType.STATEMENT_DECIDED.equals(e.type()) ? "no rule" : "";
    }
    return policy == null ? String.valueOf(rule) : rule + "/" + policy;
  }

  /** What happened, in one line (without identity, target and time). */
  static String summary(SessionEvent e) {
    Map<String, Object> d = e.details();
    switch (e.type()) {
      case EventType.SESSION_STARTED: {
        StringBuilder out = new StringBuilder();
        out.append("from ").append(string(e, "clientAddress"));
        out.append(Boolean.TRUE.equals(d.get("tls")) ? ", tls" : ", no tls");
        if (d.get("applicationName") != null) {
          out.append(", application ").append(d.get("applicationName"));
        }
        if (d.get("policies") instanceof List<?> p && !p.isEmpty()) {
          out.append(", policies ").append(String.join(",", p.stream().map(String::valueOf).toList()));
        }
        return out.toString();
      }
      case EventType.SESSION_ENDED:
        return string(e, "reason") + " · " + string(e, "durationMs") + " ms · " + string(e, "statements")
            + " statements";
      case EventType.STATEMENT_DECIDED:
        return string(e, "decision").toUpperCase(java.util.Locale.ROOT) + " by " + ruleOf(e) + ": "
            + string(e, "reason");
      case EventType.STATEMENT_COMPLETED: {
        StringBuilder out = new StringBuilder();
        if (d.get("error") instanceof Map<?, ?> err) {
          out.append("ERROR ").append(err.get("sqlState")).append(' ').append(err.get("message"));
        } else {
          out.append(d.get("commandTag") == null ? "done" : d.get("commandTag"));
        }
        if (d.get("rows") != null) {
          out.append(" · ").append(d.get("rows")).append(" rows");
        }
        out.append(" · ").append(string(e, "durationMs")).append(" ms");
        return out.toString();
      }
      default: {
        // approval.* and types this build does not know: their fields as they are
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Object> entry : d.entrySet()) {
          if (!entry.getKey().equals("statementId") && !entry.getKey().equals("text")) {
            out.append(out.length() == 0 ? "" : ", ").append(entry.getKey()).append('=').append(entry.getValue());
          }
        }
        return out.toString();
      }
    }
  }

  /** The statement text on one line: whitespace runs, newlines included, become one space. */
  static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
  }
}
