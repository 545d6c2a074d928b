package dev.portcullis.pg;

import dev.portcullis.events.EventPublisher;
import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.StatementError;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.pg.codec.BackendFrameDecoder;
import dev.portcullis.pg.codec.CommandTag;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.pg.codec.MessageTypes;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows one session's statements from decision to completion, and rewrites the backend stream where a refusal
 * was sent in a client message's place.
 *
 * <p>Client messages are grouped in <em>cycles</em>, each answered by one ReadyForQuery: a simple Query (or a
 * refused Query / FunctionCall) is a closed cycle; extended-protocol messages form an open cycle that the Sync
 * closes. Each CommandComplete / EmptyQueryResponse / PortalSuspended / ErrorResponse answers the next pending
 * Execute (or statement of a Query) of the head cycle; ReadyForQuery retires the head cycle.
 *
 * <pre>
 * refused Parse:  client  P B E (P') B' E' S        backend gets  P B E  Q(DO raise)  S
 *   server not in error:  1 2 C  E(marker) Z  Z     → client sees 1 2 C E — Z (first Z dropped)
 *   server already failed earlier (ignoring till Sync): 1 2 E  Z   → client sees it unchanged
 * </pre>
 */
final class StatementTracker implements BackendFrameDecoder.Listener {
  private final EventPublisher events;
  private final SessionInfo info;
  private final ArrayDeque<StatementCycle> cycles = new ArrayDeque<>();
  private final Map<String, String> statementIds = new HashMap<>();
  private final Map<String, String> portalIds = new HashMap<>();
  /** Portals whose last Execute the server suspended (row limit reached): the statement goes on. */
  private final Map<String, StatementCycle.Pending> suspended = new HashMap<>();
  /** Masking of each prepared statement and portal, for the Executes that run them. */
  private final Map<String, List<dev.portcullis.policy.Policy.Masking>> statementMasking = new HashMap<>();
  private final Map<String, List<dev.portcullis.policy.Policy.Masking>> portalMasking = new HashMap<>();
  private final ResultMasking masking;
  private final MaskedStream stream;
  private long decidedCount;
  private long completedCount;
  private byte transactionStatus = MessageTypes.TX_IDLE;
  private SessionRefusedException backendViolation;

  StatementTracker(EventPublisher events, SessionInfo info) {
    this(events, info, null);
  }

  /** @param masking this session's result masking; {@code null} when results are never masked (tests) */
  StatementTracker(EventPublisher events, SessionInfo info, ResultMasking masking) {
    this.events = events;
    this.info = info;
    this.masking = masking;
    this.stream = new MaskedStream(masking);
  }

  // --- frontend side -------------------------------------------------------------------------------------------

  /** Publishes statement.decided for each statement and returns their ids ({@code <sessionId>/<n>}). */
  List<String> decided(Judgement judgement, String sql, String protocol) {
    List<JudgedStatement> statements = judgement.statements();
    if (statements.isEmpty() && !judgement.allowed()) {
      // Refused before it could be split (e.g. it did not lex): the audit trail still gets the text.
      statements = List.of(new JudgedStatement(sql, null, java.util.Set.of(), List.of(), List.of(),
          judgement.overall(), null));
    }
    List<String> ids = new ArrayList<>(statements.size());
    for (JudgedStatement s : statements) {
      String id = info.sessionId() + "/" + (++decidedCount);
      ids.add(id);
      // A statement allowed alone does not run when another one of its message is refused: report what happened.
      Decision d = judgement.allowed() || !s.decision().allowed() ? s.decision() : judgement.overall();
      JudgedStatement reported = d == s.decision() ? s
          : new JudgedStatement(s.text(), s.fingerprint(), s.kinds(), s.tables(), s.functions(), d, s.preparedName());
      events.publish(SessionEvents.decided(info, id, reported, protocol));
    }
    return ids;
  }


  /**
   * @param maskingEntries the judgement's masking entries, which every statement of the Query is masked by
   * @param copyOut the Query is one {@code COPY table TO STDOUT}. Returns {@code true} when its rows may need
   *                masking: the caller then sends {@link dev.portcullis.pg.codec.PortalMessages#describeStatementProbe}
   *                of the COPY's SELECT just before the Query, and every answer to that probe is the gateway's
   */
  boolean queryForwarded(List<String> ids, List<dev.portcullis.policy.Policy.Masking> maskingEntries,
      boolean copyOut) {
    ResultMasking.Result copyMasking = copyOut ? maskingOf(maskingEntries) : null;
    if (copyMasking != null) {
      StatementCycle probe = new StatementCycle();
      probe.closed = true;
      probe.probeFor = copyMasking;
      cycles.add(probe);
    }
    StatementCycle c = new StatementCycle();
    long now = System.nanoTime();
    ids.forEach(id -> c.completions.add(new StatementCycle.Pending(id, now, copyOut ? copyMasking : maskingOf(maskingEntries))));
    c.closed = true;
    cycles.add(c);
    return copyMasking != null;
  }

  private ResultMasking.Result maskingOf(List<dev.portcullis.policy.Policy.Masking> entries) {
    return masking == null ? null : masking.forStatement(entries);
  }

  /** A Query or FunctionCall was replaced by a refusal: its ErrorResponse + ReadyForQuery pass unchanged. */
  void messageRefused() {
    StatementCycle c = new StatementCycle();
    c.closed = true;
    cycles.add(c);
  }

  void parsed(String statementName, String statementId,
      List<dev.portcullis.policy.Policy.Masking> maskingEntries) {
    openCycle();
    statementIds.put(statementName, statementId);
    statementMasking.put(statementName, maskingEntries);
    // Inspect rows from the Parse on: a client Describe answered before the first Execute must be seen too, or
    // the answers would no longer pair with the Describes of this cycle.
    maskingOf(maskingEntries);
  }

  void parseRefused(String statementName) {
    statementIds.remove(statementName);
    statementMasking.remove(statementName);
    openCycle().refusedParse = true;
  }

  /** A held Execute was refused: a refusal Query takes its place, answered like a refused Parse's. */
  void executeRefused() {
    openCycle().refusedParse = true;
  }

  void bound(String portal, String statementName) {
    openCycle();
    endSuspended(portal); // a Bind replaces the portal: the statement it ran ends with what it sent
    portalIds.put(portal, statementIds.get(statementName));
    portalMasking.put(portal, statementMasking.getOrDefault(statementName, List.of()));
  }

  /**
   * An Execute goes out. Returns {@code true} when its result may need masking: the caller then sends
   * {@code Describe 'P' portal} just before the Execute, and the answer is the gateway's to consume.
   *
   * @param maxRows the Execute's row limit, 0 for all
   */
  boolean executed(String portal, int maxRows) {
    StatementCycle c = openCycle();
    ResultMasking.Result result = maskingOf(portalMasking.getOrDefault(portal, List.of()));
    StatementCycle.Pending earlier = suspended.remove(portal);
    if (earlier == null) {
      c.completions.add(new StatementCycle.Pending(portalIds.get(portal), System.nanoTime(), result, portal, maxRows, 0));
    } else {
      if (result != null && earlier.masking() != null) {
        result.counts = earlier.masking().counts; // one statement, one count of what was masked
      }
      c.completions.add(new StatementCycle.Pending(earlier.statementId(), earlier.startNanos(), result, portal, maxRows,
          earlier.rowsBefore() + earlier.maxRows()));
    }
    if (result == null) {
      return false;
    }
    c.describes.add(new StatementCycle.DescribeSent(result));
    return true;
  }

  void closed(boolean statement, String name) {
    openCycle();
    if (!statement) {
      endSuspended(name);
    }
    (statement ? statementIds : portalIds).remove(name);
    (statement ? statementMasking : portalMasking).remove(name);
  }

  /** The client's Describe: its answer is the client's. */
  void described() {
    openCycle().describes.add(new StatementCycle.DescribeSent(null));
  }

  /** Any other extended-protocol message (Flush…). */
  void extendedMessage() {
    openCycle();
  }

  /** The session ended: releases what masking holds. */
  void close() {
    if (masking != null) {
      masking.close();
    }
  }

  /** Whether results of this session may be masked (rows must then be inspected). */
  boolean masking() {
    return masking != null && masking.active();
  }

  /** What a stream paused by a catalog lookup waits for ({@link BackendFrameDecoder#PAUSE}). */
  io.vertx.core.Future<?> maskingWait() {
    return masking == null ? null : masking.waiting();
  }

  void synced() {
    openCycle().closed = true;
  }

  private StatementCycle openCycle() {
    StatementCycle tail = cycles.peekLast();
    if (tail == null || tail.closed) {
      tail = new StatementCycle();
      cycles.add(tail);
    }
    return tail;
  }

  /** Cycles sent to the backend whose ReadyForQuery has not come back yet. */
  int awaitingReady() {
    int n = 0;
    for (StatementCycle c : cycles) {
      if (c.closed) {
        n++;
      }
    }
    return n;
  }

  byte transactionStatus() {
    return transactionStatus;
  }

  long completedStatements() {
    return completedCount;
  }

  /** Set when the backend changed a parameter the gateway's lexing depends on: the session must end. */
  SessionRefusedException backendViolation() {
    return backendViolation;
  }

  // --- backend side --------------------------------------------------------------------------------------------

  @Override
  public Buffer onMessage(byte type, Buffer message) {
    StatementCycle head = cycles.peekFirst();
    if (head != null && head.probeFor != null) { // the gateway's own describe probe: 1 t T|n Z, or E Z
      switch (type) {
        case MessageTypes.BACKEND_READY_FOR_QUERY -> cycles.pollFirst();
        case MessageTypes.BACKEND_PARAMETER_STATUS -> onParameter(message);
        default -> {
          return stream.onProbeAnswer(head, type, message);
        }
      }
      return type == MessageTypes.BACKEND_PARAMETER_STATUS ? message : null;
    }
    switch (type) {
      case MessageTypes.BACKEND_COMMAND_COMPLETE -> {
        String tag = CommandTag.parse(message);
        complete(tag, null);
      }
      case MessageTypes.BACKEND_EMPTY_QUERY_RESPONSE -> complete("", null);
      case MessageTypes.BACKEND_PORTAL_SUSPENDED -> {
        StatementCycle.Pending p = nextPending();
        if (p != null && p.portal() != null) {
          suspended.put(p.portal(), p);
        }
      }
      case MessageTypes.BACKEND_ERROR_RESPONSE -> {
        return onError(message);
      }
      case MessageTypes.BACKEND_READY_FOR_QUERY -> {
        return onReady(message);
      }
      case MessageTypes.BACKEND_PARAMETER_STATUS -> onParameter(message);
      case MessageTypes.BACKEND_ROW_DESCRIPTION, MessageTypes.BACKEND_NO_DATA, MessageTypes.BACKEND_DATA_ROW,
          MessageTypes.BACKEND_NOTICE_RESPONSE, MessageTypes.BACKEND_NOTIFICATION_RESPONSE,
          MessageTypes.BACKEND_COPY_OUT_RESPONSE, MessageTypes.BACKEND_COPY_DATA -> {
        return stream.onMessage(head, type, message); // shown only once rows are inspected (masking is on)
      }
      default -> { }
    }
    return message;
  }

  private Buffer onError(Buffer message) {
    ErrorResponse error = ErrorResponse.parse(message);
    if (masking != null && masking.active()) {
      error = ResultMasking.scrub(error);
      message = error.encode();
    }
    if (RefusalStatement.MARKER.equals(error.fields().get('s'))) {
      StatementCycle head = cycles.peekFirst();
      if (head != null) {
        head.sawRefusal = true;
      }
      // The server's CONTEXT line names our DO block; the client only needs the policy's message.
      return error.without('s').without('W').encode();
    }
    complete(null, new StatementError(error.sqlState(), error.message()));
    return message;
  }

  private Buffer onReady(Buffer message) {
    StatementCycle head = cycles.peekFirst();
    if (head != null && head.refusedParse && head.sawRefusal && !head.droppedRefusalReady) {
      // The refusal Query's own ReadyForQuery: the client's Sync gets the next one.
      head.droppedRefusalReady = true;
      return null;
    }
    if (head != null) {
      cycles.pollFirst();
    }
    transactionStatus = message.getByte(5);
    return message;
  }

  private void onParameter(Buffer message) {
    dev.portcullis.pg.codec.CStrings.Reader reader = new dev.portcullis.pg.codec.CStrings.Reader(message, 5);
    String name = reader.next("parameter name");
    String value = reader.next("parameter value");
    boolean pinned = switch (name) {
      case "client_encoding" -> StartupParameters.isUtf8(value);
      case "standard_conforming_strings" -> value.equals("on");
      default -> true;
    };
    if (!pinned && backendViolation == null) {
      backendViolation = ErrorReplies.backendParameterChanged(name, value);
    }
  }

  private static boolean isDdl(String tag) {
    return tag.startsWith("CREATE ") || tag.startsWith("ALTER ") || tag.startsWith("DROP ")
        || tag.startsWith("COMMENT");
  }

  private StatementCycle.Pending nextPending() {
    StatementCycle head = cycles.peekFirst();
    return head == null ? null : head.completions.pollFirst();
  }

  private void complete(String tag, StatementError error) {
    StatementCycle.Pending p = nextPending();
    if (p == null || p.statementId() == null) {
      return;
    }
    Long rows = SessionEvents.rowsOf(tag);
    publishCompleted(p, tag, rows == null ? null : rows + p.rowsBefore(), error);
  }

  /** A suspended portal that is closed or bound again: its statement ended with the rows it sent. */
  private void endSuspended(String portal) {
    StatementCycle.Pending p = suspended.remove(portal);
    if (p != null && p.statementId() != null) {
      publishCompleted(p, null, p.rowsBefore() + p.maxRows(), null);
    }
  }

  private void publishCompleted(StatementCycle.Pending p, String tag, Long rows, StatementError error) {
    completedCount++;
    long durationMs = (System.nanoTime() - p.startNanos()) / 1_000_000;
    List<dev.portcullis.masking.MaskedColumn> masked = p.masking() == null ? List.of() : p.masking().masked();
    if (masking != null && tag != null && isDdl(tag)) {
      masking.schemaChanged(); // in any session: others that mask may have cached the names it changed
    }
    events.publish(SessionEvents.completed(info, p.statementId(), tag, rows, durationMs, error, masked));
  }
}
