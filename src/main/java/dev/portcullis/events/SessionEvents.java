package dev.portcullis.events;

import dev.portcullis.masking.MaskedColumn;

import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.StatementKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Typed factories for the session events that protocol code publishes, so that nobody builds detail maps by hand.
 * Each factory produces exactly the detail fields documented in {@code schemas/<type>.schema.json}.
 *
 * <p>Nothing here reads a token or a password: the inputs are {@link SessionInfo} (identity claims only) and the
 * policy engine's {@link JudgedStatement}.
 */
public final class SessionEvents {
  private SessionEvents() {}

  /**
   * {@code session.started}.
   *
   * @param clientAddress   the agent's socket address, {@code "ip:port"}
   * @param applicationName the client's {@code application_name}, or {@code null}
   * @param policies        names of the policies that apply to this identity and target
   */
  public static SessionEvent started(
      SessionInfo session, String clientAddress, String applicationName, boolean tls, List<String> policies) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("clientAddress", Objects.requireNonNull(clientAddress, "clientAddress"));
    d.put("applicationName", applicationName);
    d.put("tls", tls);
    d.put("policies", List.copyOf(policies));
    return SessionEvent.of(EventType.SESSION_STARTED, session, d);
  }

  /**
   * {@code session.ended}.
   *
   * @param reason     why it ended, e.g. {@code "client terminated"}, {@code "token expired"}
   * @param statements how many statements were decided in the session
   */
  public static SessionEvent ended(SessionInfo session, String reason, long durationMs, long statements) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("reason", Objects.requireNonNull(reason, "reason"));
    d.put("durationMs", durationMs);
    d.put("statements", statements);
    return SessionEvent.of(EventType.SESSION_ENDED, session, d);
  }

  /** {@code statement.decided} with the text as received. */
  public static SessionEvent decided(
      SessionInfo session, String statementId, JudgedStatement statement, String queryProtocol) {
    return decided(session, statementId, statement, queryProtocol, false);
  }

  /**
   * {@code statement.decided}.
   *
   * @param statementId    {@code "<sessionId>/<n>"}, see {@link #statementId}
   * @param queryProtocol  {@code "simple"} or {@code "extended"}; published as {@code queryProtocol} because the
   *                       envelope's {@code protocol} already names the wire protocol ({@code "postgres"})
   * @param redactLiterals the deciding policy sets {@code audit: { literals: redact }}: publish the fingerprint as
   *                       the text
   */
  public static SessionEvent decided(SessionInfo session, String statementId, JudgedStatement statement,
      String queryProtocol, boolean redactLiterals) {
    Decision decision = statement.decision();
    List<String> kinds = new ArrayList<>(statement.kinds().size());
    for (StatementKind kind : statement.kinds()) {
      kinds.add(kind.yamlName());
    }
    kinds.sort(null); // Set order is unspecified; a stable order makes events comparable
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", Objects.requireNonNull(statementId, "statementId"));
    d.put("text", redactLiterals ? statement.fingerprint() : statement.text());
    d.put("fingerprint", statement.fingerprint());
    d.put("kinds", List.copyOf(kinds));
    d.put("tables", statement.tables());
    d.put("functions", statement.functions());
    d.put("decision", decisionName(decision));
    d.put("policy", decision.policy());
    d.put("rule", decision.rule());
    d.put("reason", decision.reason());
    d.put("queryProtocol", Objects.requireNonNull(queryProtocol, "queryProtocol"));
    return SessionEvent.of(EventType.STATEMENT_DECIDED, session, d);
  }

  /**
   * {@code statement.completed}.
   *
   * @param commandTag the CommandComplete tag ({@code "SELECT 3"}), or {@code null} (error, empty query)
   * @param rows       rows returned or affected, or {@code null} when unknown; see {@link #rowsOf}
   * @param error      the error the statement ended with, or {@code null}
   */
  public static SessionEvent completed(SessionInfo session, String statementId, String commandTag, Long rows,
      long durationMs, StatementError error) {
    return completed(session, statementId, commandTag, rows, durationMs, error, List.of());
  }

  /**
   * {@code statement.completed} of a result that masking rules applied to.
   *
   * @param masked the columns masked (which rule, which strategy, how many values); the field is left out when
   *               empty, so statements without masking keep their exact shape
   */
  public static SessionEvent completed(SessionInfo session, String statementId, String commandTag, Long rows,
      long durationMs, StatementError error, List<MaskedColumn> masked) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", Objects.requireNonNull(statementId, "statementId"));
    d.put("commandTag", commandTag);
    d.put("rows", rows);
    d.put("durationMs", durationMs);
    d.put("error", error == null ? null : errorMap(error));
    if (!masked.isEmpty()) {
      List<Map<String, Object>> columns = new ArrayList<>(masked.size());
      for (MaskedColumn m : masked) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("column", m.column());
        c.put("rule", m.rule());
        c.put("strategy", m.strategy());
        c.put("values", m.values());
        columns.add(c);
      }
      d.put("masked", columns);
    }
    return SessionEvent.of(EventType.STATEMENT_COMPLETED, session, d);
  }

  /**
   * {@code statement.decided} of an SSH action (exec, shell, subsystem, forward). SSH has no literals to replace,
   * so {@code fingerprint} is the text; there are no tables or functions; {@code queryProtocol} is {@code "ssh"}.
   *
   * @param text  the exec command line, or {@code "shell"}, {@code "subsystem sftp"}, {@code "forward host:port"}
   * @param kinds {@code exec}, {@code shell}, {@code subsystem}, {@code port-forward}, {@code agent-forward},
   *              {@code x11} (published sorted)
   */
  public static SessionEvent decidedSsh(
      SessionInfo session, String statementId, String text, List<String> kinds, Decision decision) {
    List<String> sorted = new ArrayList<>(kinds);
    sorted.sort(null);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", Objects.requireNonNull(statementId, "statementId"));
    d.put("text", Objects.requireNonNull(text, "text"));
    d.put("fingerprint", text);
    d.put("kinds", List.copyOf(sorted));
    d.put("tables", List.of());
    d.put("functions", List.of());
    d.put("decision", decisionName(decision));
    d.put("policy", decision.policy());
    d.put("rule", decision.rule());
    d.put("reason", decision.reason());
    d.put("queryProtocol", "ssh");
    return SessionEvent.of(EventType.STATEMENT_DECIDED, session, d);
  }

  /** {@code statement.completed} of an SSH channel that ended by itself; see the next overload. */
  public static SessionEvent exited(
      SessionInfo session, String statementId, long durationMs, Integer exitStatus, String exitSignal) {
    return exited(session, statementId, durationMs, exitStatus, exitSignal, null);
  }

  /**
   * {@code statement.completed} of an SSH exec or shell channel: {@code commandTag} and {@code rows} are null, and
   * {@code exitStatus}/{@code exitSignal} say how the remote command ended; both null when the channel closed
   * without either (an abrupt disconnect).
   *
   * @param exitSignal the signal name without {@code SIG} as SSH sends it ({@code "KILL"}), or null
   * @param error      why the gateway ended the channel itself ("target unreachable", "the agent closed the
   *                   channel"), published as {@code error: {message}} (SSH errors have no SQLSTATE); or null
   */
  public static SessionEvent exited(SessionInfo session, String statementId, long durationMs, Integer exitStatus,
      String exitSignal, String error) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", Objects.requireNonNull(statementId, "statementId"));
    d.put("commandTag", null);
    d.put("rows", null);
    d.put("durationMs", durationMs);
    d.put("error", error == null ? null : Map.of("message", error));
    d.put("exitStatus", exitStatus == null ? null : exitStatus.longValue()); // Long: what a decoded event holds
    d.put("exitSignal", exitSignal);
    return SessionEvent.of(EventType.STATEMENT_COMPLETED, session, d);
  }

  /** {@code io.frame} stream of the bytes a channel's target sent on stdout (and, with a terminal, stderr). */
  public static final String OUTPUT = "o";
  /**
   * {@code io.frame} stream of the bytes a channel's target sent on stderr (SSH extended data). With a terminal
   * the target's terminal merges stderr into stdout, so this stream is an exec's without one.
   */
  public static final String ERROR = "e";
  /** {@code io.frame} stream of the bytes the agent sent into a channel (typed or piped). */
  public static final String INPUT = "i";
  /** {@code io.frame} stream of a terminal size change. */
  public static final String RESIZE = "r";
  /** {@code io.frame} stream of a marker the gateway sets (asciicast v2 "m"), e.g. where recording stopped. */
  public static final String MARKER = "m";

  /**
   * {@code io.frame} of output or input, to topic {@code recordings}.
   *
   * @param statementId the channel's statement ({@code "<sessionId>/<n>"})
   * @param seq         the frame's number within the channel, from 0: replay orders and dedupes by it
   * @param stream      {@link #OUTPUT}, {@link #ERROR}, {@link #INPUT} or {@link #MARKER}
   * @param data        the bytes as UTF-8 text, whole characters only (invalid bytes as U+FFFD); a marker's label
   * @param offsetMs    when its first byte passed, in ms since the channel opened
   */
  public static SessionEvent frame(
      SessionInfo session, String statementId, long seq, String stream, String data, long offsetMs) {
    if (!OUTPUT.equals(stream) && !ERROR.equals(stream) && !INPUT.equals(stream) && !MARKER.equals(stream)) {
      throw new IllegalArgumentException("io.frame stream must be \"o\", \"e\", \"i\" or \"m\", got " + stream);
    }
    Map<String, Object> d = frameStart(statementId, stream, Objects.requireNonNull(data, "data"), offsetMs);
    d.put("seq", seq);
    return SessionEvent.of(EventType.IO_FRAME, session, d);
  }

  /** {@code io.frame} of a terminal size change: stream {@code "r"}, data {@code "COLSxROWS"}, cols and rows. */
  public static SessionEvent resize(
      SessionInfo session, String statementId, long seq, int cols, int rows, long offsetMs) {
    Map<String, Object> d = frameStart(statementId, RESIZE, cols + "x" + rows, offsetMs);
    d.put("cols", (long) cols);
    d.put("rows", (long) rows);
    d.put("seq", seq);
    return SessionEvent.of(EventType.IO_FRAME, session, d);
  }

  private static Map<String, Object> frameStart(String statementId, String stream, String data, long offsetMs) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("statementId", Objects.requireNonNull(statementId, "statementId"));
    d.put("stream", stream);
    d.put("data", data);
    d.put("offsetMs", offsetMs);
    return d;
  }

  /** {@code statement.completed} with {@code rows} read from the command tag. */
  public static SessionEvent completed(
      SessionInfo session, String statementId, String commandTag, long durationMs, StatementError error) {
    return completed(session, statementId, commandTag, rowsOf(commandTag), durationMs, error);
  }

  /** The statement id contract: {@code "<sessionId>/<n>"}, n counting from 1 within the session. */
  public static String statementId(SessionInfo session, long n) {
    return session.sessionId() + "/" + n;
  }

  /**
   * The row count in a PostgreSQL command tag: the last number of {@code SELECT n}, {@code INSERT oid n},
   * {@code UPDATE n}, {@code DELETE n}, {@code MERGE n}, {@code COPY n}, {@code FETCH n}, {@code MOVE n};
   * {@code null} for tags without one ({@code CREATE TABLE}, {@code BEGIN}) or a null tag.
   */
  public static Long rowsOf(String commandTag) {
    if (commandTag == null) {
      return null;
    }
    int space = commandTag.indexOf(' ');
    if (space < 0 || !ROW_TAGS.contains(commandTag.substring(0, space))) {
      return null;
    }
    String last = commandTag.substring(commandTag.lastIndexOf(' ') + 1);
    try {
      return Long.parseLong(last);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static final Set<String> ROW_TAGS =
      Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE");

  static String decisionName(Decision decision) {
    if (decision instanceof Decision.Allow) {
      return "allow";
    } else if (decision instanceof Decision.Deny) {
      return "deny";
    } else {
      return "review";
    }
  }

  private static Map<String, Object> errorMap(StatementError error) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sqlState", error.sqlState());
    m.put("message", error.message());
    return m;
  }
}
