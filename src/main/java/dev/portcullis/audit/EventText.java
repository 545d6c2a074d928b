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
          out.append("ERROR ").append(err.get("sqlState") == null ? "" : err.get("sqlState") + " ")
              .append(err.get("message"));
        }
        if (d.containsKey("exitStatus") || d.containsKey("exitSignal")) { // an SSH channel
          out.append(out.length() == 0 ? "" : " · ");
          out.append(d.get("exitSignal") != null ? "signal " + d.get("exitSignal")
              : d.get("exitStatus") != null ? "exit " + d.get("exitStatus") : "closed without exit status");
        } else if (out.length() == 0) {
          out.append(d.get("commandTag") == null ? "done" : d.get("commandTag"));
        }
        if (d.get("rows") != null) {
          out.append(" · ").append(d.get("rows")).append(" rows");
        }
        out.append(" · ").append(string(e, "durationMs")).append(" ms");
        return out.toString();
      }
      case EventType.APPROVAL_REQUESTED: {
        StringBuilder out = new StringBuilder("approval requested ").append(string(e, "approvalId"));
        String rule = ruleOf(e);
        if (!rule.isEmpty()) {
          out.append(" by rule ").append(rule);
        }
        List<String> groups = strings(d.get("approverGroups"));
        out.append(" for ").append(groups.isEmpty() ? "nobody (no approver groups)" : String.join(",", groups));
        out.append(" (").append(d.get("mode") == null ? "hold" : d.get("mode"));
        if ("retry".equals(d.get("mode")) && d.get("grantTtlSeconds") instanceof Number ttl) {
          out.append(", grant ").append(seconds(ttl.longValue()));
        }
        out.append(", expires ").append(string(e, "expiresAt")).append(')');
        return out.toString();
      }
      case EventType.APPROVAL_DECIDED: {
        StringBuilder out = new StringBuilder("approval ").append(string(e, "outcome"));
        if (d.get("decidedBy") instanceof Map<?, ?> by) {
          out.append(" by ").append(by.get("subject"));
          if (by.get("via") != null) {
            out.append(" via ").append(by.get("via"));
          }
        }
        if (d.get("reason") instanceof String reason && !reason.isBlank()) {
          out.append(": ").append(reason.strip());
        }
        return out.toString();
      }
      default: {
        // types this build does not know: their fields as they are
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

  /** {@code decision} of a statement, or {@code outcome} of an approval decision; {@code ""} for other types. */
  static String decision(SessionEvent e) {
    return EventType.APPROVAL_DECIDED.equals(e.type()) ? string(e, "outcome") : string(e, "decision");
  }

  /**
   * Bind values as a reader of SQL expects them: {@code $1 = '7', $2 = NULL} (quotes inside doubled); empty for
   * none.
   */
  static String parameters(SessionEvent e) {
    if (!(e.details().get("parameters") instanceof List<?> values) || values.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      Object v = values.get(i);
      out.append(i == 0 ? "" : ", ").append('$').append(i + 1).append(" = ")
          .append(v == null ? "NULL" : "'" + String.valueOf(v).replace("'", "''") + "'");
    }
    return out.toString();
  }

  /**
   * {@code s} safe to print on a terminal: control characters other than tab, and invisible formatting characters
   * (bidirectional overrides, zero-width characters), are written as a backslash, u and four hex digits. Statement
   * texts, reasons and names come from agents and approvers; an escape sequence in them must not rewrite what an
   * auditor's terminal shows.
   */
  static String printable(String s) {
    int i = 0;
    while (i < s.length() && safe(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (safe(c)) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  private static boolean safe(char c) {
    return c == '\t' || !(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
  }

  private static List<String> strings(Object v) {
    return v instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
  }

  /** {@code 10m}, {@code 90s}, {@code 2h}: as policies write durations. */
  private static String seconds(long s) {
    return s > 0 && s % 3600 == 0 ? s / 3600 + "h" : s > 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /** The statement text on one line: whitespace runs, newlines included, become one space. */
  static String oneLine(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
  }
}
