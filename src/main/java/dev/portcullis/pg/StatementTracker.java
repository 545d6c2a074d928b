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
  private static final class Cycle {
    final ArrayDeque<Pending> completions = new ArrayDeque<>();
    boolean closed;
    boolean refusedParse;
    boolean sawRefusal;
    boolean droppedRefusalReady;
  }

  private record Pending(String statementId, long startNanos) {}

  private final EventPublisher events;
  private final SessionInfo info;
  private final ArrayDeque<Cycle> cycles = new ArrayDeque<>();
  private final Map<String, String> statementIds = new HashMap<>();
  private final Map<String, String> portalIds = new HashMap<>();
  private long decidedCount;
  private long completedCount;
  private byte transactionStatus = MessageTypes.TX_IDLE;
  private SessionRefusedException backendViolation;

  StatementTracker(EventPublisher events, SessionInfo info) {
    this.events = events;
    this.info = info;
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


  void queryForwarded(List<String> ids) {
    Cycle c = new Cycle();
    long now = System.nanoTime();
    ids.forEach(id -> c.completions.add(new Pending(id, now)));
    c.closed = true;
    cycles.add(c);
  }

  /** A Query or FunctionCall was replaced by a refusal: its ErrorResponse + ReadyForQuery pass unchanged. */
  void messageRefused() {
    Cycle c = new Cycle();
    c.closed = true;
    cycles.add(c);
  }

  void parsed(String statementName, String statementId) {
    openCycle();
    statementIds.put(statementName, statementId);
  }

  void parseRefused(String statementName) {
    statementIds.remove(statementName);
    openCycle().refusedParse = true;
  }

  void bound(String portal, String statementName) {
    openCycle();
    portalIds.put(portal, statementIds.get(statementName));
  }

  void executed(String portal) {
    openCycle().completions.add(new Pending(portalIds.get(portal), System.nanoTime()));
  }

  void closed(boolean statement, String name) {
    openCycle();
    (statement ? statementIds : portalIds).remove(name);
  }

  /** Any other extended-protocol message (Describe, Flush…). */
  void extendedMessage() {
    openCycle();
  }

  void synced() {
    openCycle().closed = true;
  }

  private Cycle openCycle() {
    Cycle tail = cycles.peekLast();
    if (tail == null || tail.closed) {
      tail = new Cycle();
      cycles.add(tail);
    }
    return tail;
  }

  /** Cycles sent to the backend whose ReadyForQuery has not come back yet. */
  int awaitingReady() {
    int n = 0;
    for (Cycle c : cycles) {
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
    switch (type) {
      case MessageTypes.BACKEND_COMMAND_COMPLETE -> {
        String tag = CommandTag.parse(message);
        complete(tag, null);
      }
      case MessageTypes.BACKEND_EMPTY_QUERY_RESPONSE -> complete("", null);
      case MessageTypes.BACKEND_PORTAL_SUSPENDED -> nextPending();
      case MessageTypes.BACKEND_ERROR_RESPONSE -> {
        return onError(message);
      }
      case MessageTypes.BACKEND_READY_FOR_QUERY -> {
        return onReady(message);
      }
      case MessageTypes.BACKEND_PARAMETER_STATUS -> onParameter(message);
      default -> { }
    }
    return message;
  }

  private Buffer onError(Buffer message) {
    ErrorResponse error = ErrorResponse.parse(message);
    if (RefusalStatement.MARKER.equals(error.fields().get('s'))) {
      Cycle head = cycles.peekFirst();
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
    Cycle head = cycles.peekFirst();
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

  private Pending nextPending() {
    Cycle head = cycles.peekFirst();
    return head == null ? null : head.completions.pollFirst();
  }

  private void complete(String tag, StatementError error) {
    Pending p = nextPending();
    if (p == null || p.statementId() == null) {
      return;
    }
    completedCount++;
    long durationMs = (System.nanoTime() - p.startNanos()) / 1_000_000;
    events.publish(SessionEvents.completed(info, p.statementId(), tag, durationMs, error));
  }
}
