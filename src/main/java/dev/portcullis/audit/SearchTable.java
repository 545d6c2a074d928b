package dev.portcullis.audit;

import dev.portcullis.events.EventJson;
import dev.portcullis.events.SessionEvent;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code audit search} output as a terminal table: time, session (first 8 characters), subject, target, type,
 * decision (an approval decision's outcome), rule and the statement text with any Bind values (or the event's
 * summary) cut to fit a line. Control characters are shown escaped.
 */
public final class SearchTable {
  private static final String[] HEADERS = {"TIME", "SESSION", "SUBJECT", "TARGET", "TYPE", "DECISION", "RULE",
      "TEXT"};
  private static final int[] MAX = {27, 8, 24, 16, 19, 8, 32, 80};

  private SearchTable() {}

  /** An id prefix, as git shows commits: enough to tell sessions apart; --session and replay accept it. */
  private static String prefix(String id, int n) {
    return id.length() <= n ? id : id.substring(0, n);
  }

  public static void print(List<SessionEvent> events, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (SessionEvent e : events) {
      String text = e.details().get("text") instanceof String t ? EventText.oneLine(t) : EventText.summary(e);
      String parameters = EventText.parameters(e);
      if (!parameters.isEmpty()) {
        text += " [" + parameters + "]";
      }
      String[] row = {
          EventJson.formatTime(e.time()),
          prefix(e.session().sessionId(), 8),
          String.valueOf(e.session().identity().subject()),
          String.valueOf(e.session().target()),
          e.type(),
          EventText.decision(e),
          EventText.ruleOf(e),
          text};
      for (int i = 0; i < row.length; i++) {
        row[i] = EventText.printable(row[i]); // agents' texts and names must not drive the terminal
      }
      rows.add(row);
    }
    int[] width = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.min(MAX[i], Math.max(width[i], row[i].length()));
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = EventText.truncate(row[i], width[i]);
        line.append(cell);
        if (i < row.length - 1) {
          line.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
