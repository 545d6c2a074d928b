package dev.portcullis.pg;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.forward.FrameHeaders;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import dev.portcullis.identity.Identity;
import dev.portcullis.pg.codec.BackendFrameDecoder;
import dev.portcullis.pg.codec.FrontendFrame;
import dev.portcullis.pg.codec.FrontendFrameDecoder;
import dev.portcullis.pg.codec.MessageTypes;
import dev.portcullis.pg.codec.ParseMessage;
import dev.portcullis.pg.codec.PgProtocolException;
import dev.portcullis.pg.codec.PortalMessages;
import dev.portcullis.pg.codec.QueryMessage;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgeRequest;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.net.NetSocket;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The READY phase of a session: client messages are judged and relayed strictly in order, backend batches are
 * written through. One instance per session, always called on the session's event loop.
 *
 * <pre>
 * simple:    Q ──judge──▶ allowed: Q as sent                refused: Q(DO raise 42501) in its place
 * extended:  P ──judge──▶ allowed: P as sent                refused: Q(DO raise), then drop up to the Sync
 *            B D E C H S d c f  pass through (S ends ignoreTillSync and is forwarded)
 * other:     F → Q(DO raise);  X → forwarded, then the session ends
 *
 * review:    Q ──judge──▶ held ──approval──▶ approved: Q as sent   refused/expired: Q(DO raise) in its place
 *            P ──judge──▶ P as sent (nothing runs yet); B records its values; E ──held──▶ approved: E as sent
 *                                                                   refused: Q(DO raise), then drop up to the Sync
 * </pre>
 *
 * An approval covers exactly the text and Bind values it showed, and one execution (a later Bind of the same
 * statement asks again). While a judgement or an approval is pending nothing after it is forwarded; later bytes wait in the frame decoder, and the client
 * socket is paused once they exceed {@link #MAX_HELD_BYTES} (or while the upstream window is full).
 */
final class MessageRelay {
  static final int MAX_HELD_BYTES = 1 << 20;
  private static final int MAX_BATCH_BYTES = 256 * 1024;
  private static final dev.portcullis.pg.codec.BindParameters.Values NO_PARAMETERS =
      new dev.portcullis.pg.codec.BindParameters.Values(List.of(), List.of());

  /** How the relay ends its session: {@code failure} (nullable) becomes the client's FATAL ErrorResponse. */
  interface Ending {
    void end(Throwable failure, String reason);
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final FrontendFrameDecoder frames;
  private final StatementTracker tracker;
  private final BackendFrameDecoder backend;
  private final SessionStatements statements = new SessionStatements();
  private final String sessionId;
  private final String target;
  private final Identity identity;
  private final Ending ending;
  private final SessionApprovals approvals;
  private final HeldStatements awaiting;
  private final ArrayDeque<Message<Buffer>> unacked = new ArrayDeque<>();
  /** Backend batches behind one paused for a catalog lookup; the head is the paused one. */
  private final ArrayDeque<Message<Buffer>> held = new ArrayDeque<>();
  private UpstreamLink upstream;
  private Buffer outbound = Buffer.buffer();
  private boolean judging;
  private boolean ignoreTillSync;
  private boolean expiring;
  private boolean ended;
  private boolean paused;

  MessageRelay(Vertx vertx, NetSocket socket, FrontendFrameDecoder frames, StatementTracker tracker,
      String sessionId, String target, Identity identity, SessionApprovals approvals, Ending ending) {
    this.vertx = vertx;
    this.socket = socket;
    this.frames = frames;
    this.tracker = tracker;
    this.backend = new BackendFrameDecoder(tracker);
    this.sessionId = sessionId;
    this.target = target;
    this.identity = identity;
    this.approvals = approvals;
    this.awaiting = new HeldStatements(approvals);
    this.ending = ending;
  }

  void start(UpstreamLink link) {
    this.upstream = link;
  }

  void stop() {
    ended = true;
    awaiting.sessionEnded();
  }

  // --- client → backend ----------------------------------------------------------------------------------------

  /** Handles every whole frame the decoder holds, until one needs a judgement. */
  void pump() {
    try {
      while (!ended && !judging && !expiring) {
        FrontendFrame frame = frames.next();
        if (frame == null) {
          break;
        }
        handle(frame);
        if (outbound.length() >= MAX_BATCH_BYTES) {
          flush();
        }
      }
      flush();
      updateReading();
    } catch (RuntimeException e) {
      flush(); // what came before the bad message was fine and keeps its order
      ending.end(e, "protocol violation");
    }
  }

  private void handle(FrontendFrame frame) {
    byte type = frame.type();
    if (ignoreTillSync && type != MessageTypes.FRONTEND_SYNC && type != MessageTypes.FRONTEND_TERMINATE) {
      return; // the server would ignore these too after the error that stands for the refused Parse
    }
    switch (type) {
      case MessageTypes.FRONTEND_QUERY -> onQuery(frame, QueryMessage.parse(frame));
      case MessageTypes.FRONTEND_PARSE -> onParse(frame, ParseMessage.parse(frame));
      case MessageTypes.FRONTEND_BIND -> {
        PortalMessages.Bind bind = PortalMessages.bind(frame);
        tracker.bound(bind.portal(), bind.statement());
        awaiting.bound(bind.portal(), bind.statement(), frame);
        append(frame.bytes());
      }
      case MessageTypes.FRONTEND_EXECUTE -> {
        PortalMessages.Execute execute = PortalMessages.execute(frame);
        HeldStatements.Portal waiting = awaiting.needsApproval(execute.portal());
        if (waiting == null) {
          execute(frame, execute);
        } else {
          holdExecute(frame, execute, waiting);
        }
      }
      case MessageTypes.FRONTEND_CLOSE -> {
        PortalMessages.Close close = PortalMessages.close(frame);
        tracker.closed(close.statement(), close.name());
        if (close.statement()) {
          statements.forgetParsed(close.name());
        }
        awaiting.closed(close.statement(), close.name());
        append(frame.bytes());
      }
      case MessageTypes.FRONTEND_SYNC -> {
        ignoreTillSync = false;
        tracker.synced();
        append(frame.bytes());
      }
      case MessageTypes.FRONTEND_DESCRIBE -> {
        tracker.described();
        append(frame.bytes());
      }
      case MessageTypes.FRONTEND_FLUSH -> {
        tracker.extendedMessage();
        append(frame.bytes());
      }
      case MessageTypes.FRONTEND_COPY_DATA, MessageTypes.FRONTEND_COPY_DONE, MessageTypes.FRONTEND_COPY_FAIL ->
          append(frame.bytes());
      case MessageTypes.FRONTEND_FUNCTION_CALL -> {
        tracker.messageRefused();
        append(RefusalStatement.query(ErrorReplies.functionCallRefused()));
      }
      case MessageTypes.FRONTEND_TERMINATE -> {
        append(frame.bytes());
        flush();
        ending.end(null, "client terminated");
      }
      default -> throw PgProtocolException.violation("unexpected message type '" + (char) type + "' after startup");
    }
  }

  private void onQuery(FrontendFrame frame, String sql) {
    if (tokenExpired()) {
      return;
    }
    judge(sql).onComplete(ar -> {
      Judgement j = ar.succeeded() ? ar.result() : null;
      if (j == null) {
        tracker.messageRefused();
        append(RefusalStatement.query(ErrorReplies.judgementUnavailable()));
        resume();
        return;
      }
      String copyOut = j.masking().isEmpty() ? null : copyOutQuery(j);
      if (!(j.overall() instanceof Decision.Deny) && copyOut != null && j.statements().size() > 1) {
        j = refused("with masking rules in force, COPY … TO STDOUT must be the only statement of its query");
      }
      Judgement judged = j;
      List<String> ids = tracker.decided(j, sql, "simple");
      if (j.overall() instanceof Decision.Review review) {
        java.util.function.Consumer<ErrorReplies.Refusal> refuse = refusal -> {
          tracker.messageRefused();
          append(RefusalStatement.query(refusal));
        };
        hold(approvals.ask(j, review, sql, NO_PARAMETERS, ids.get(0)), review,
            () -> runQuery(frame, judged, ids, copyOut), refuse);
        return; // nothing after the held Query moves until it is answered
      }
      if (j.allowed()) {
        runQuery(frame, j, ids, copyOut);
      } else {
        tracker.messageRefused();
        append(RefusalStatement.query(ErrorReplies.statementRefused(j.overall())));
      }
      resume();
    });
  }

  private void runQuery(FrontendFrame frame, Judgement j, List<String> ids, String copyOut) {
    statements.remember(j);
    if (tracker.queryForwarded(ids, j.masking(), copyOut != null)) {
      append(PortalMessages.describeStatementProbe(copyOut)); // where the COPY's columns come from
    }
    append(frame.bytes());
  }

  private void execute(FrontendFrame frame, PortalMessages.Execute execute) {
    if (tracker.executed(execute.portal(), execute.maxRows())) {
      append(PortalMessages.describePortal(execute.portal())); // masking needs the rows' formats
    }
    append(frame.bytes());
  }

  /** An Execute of a statement a review rule caught: Parse and Bind go out, the Execute waits for the approval. */
  private void holdExecute(FrontendFrame frame, PortalMessages.Execute execute, HeldStatements.Portal portal) {
    if (tokenExpired()) {
      return;
    }
    judging = true;
    flush();
    HeldStatements.Reviewed r = portal.statement();
    hold(approvals.ask(r.judgement(), r.review(), r.sql(), portal.parameters(), r.statementId()), r.review(), () -> {
      awaiting.approved(execute.portal());
      statements.remember(r.judgement());
      execute(frame, execute);
    }, refusal -> {
      tracker.executeRefused();
      append(RefusalStatement.query(refusal));
      ignoreTillSync = true;
    });
  }

  /**
   * Waits for the answer to a held statement, then runs or refuses it and goes on with what queued behind it. A
   * cancel from the client ({@link #cancelHeld}) ends the wait first: the request is withdrawn and the statement
   * refused with 57014, as a canceled query would be.
   */
  private void hold(io.vertx.core.Future<ApprovalAnswer> answer, Decision.Review review, Runnable run,
      java.util.function.Consumer<ErrorReplies.Refusal> refuse) {
    awaiting.await(answer, new HeldStatements.Outcome() {
      @Override
      public void answered(io.vertx.core.AsyncResult<ApprovalAnswer> a) {
        if (!ended) {
          approved(a, review, run, refuse);
        }
        resume();
      }

      @Override
      public void canceled() {
        refuse.accept(ErrorReplies.canceledWhileHeld());
        resume();
      }
    });
  }

  /**
   * The client sent a CancelRequest for this session: a statement waiting for approval is withdrawn. Returns
   * {@code false} when none waits (the cancel is then the backend's).
   */
  boolean cancelHeld() {
    return !ended && awaiting.cancel();
  }

  /**
   * Runs {@code run} when the answer approves (and the token is still valid: a hold may outlast it), else hands
   * {@code refuse} what the client is told. A gateway that stops while a statement waits ends the session.
   */
  private void approved(io.vertx.core.AsyncResult<ApprovalAnswer> answer, Decision.Review review, Runnable run,
      java.util.function.Consumer<ErrorReplies.Refusal> refuse) {
    if (answer.failed()) {
      refuse.accept(ErrorReplies.approvalUnavailable());
      return;
    }
    ApprovalDecision d = answer.result().decision();
    if (d == null) {
      refuse.accept(ErrorReplies.approvalFiled(review, answer.result().approvalId()));
    } else if (d.outcome() == ApprovalDecision.Outcome.APPROVED) {
      if (!tokenExpired()) {
        run.run();
      }
    } else if (d.outcome() == ApprovalDecision.Outcome.WITHDRAWN) {
      flush();
      ending.end(ErrorReplies.approvalWithdrawn(d), "gateway stopping");
    } else {
      refuse.accept(ErrorReplies.approvalRefused(review, d));
    }
  }

  private void onParse(FrontendFrame frame, ParseMessage parse) {
    if (tokenExpired()) {
      return;
    }
    Judgement cached = statements.parsedJudgement(parse.statementName(), parse.sql());
    if (cached != null) {
      parseJudged(frame, parse, cached);
      return;
    }
    judge(parse.sql()).onComplete(ar -> {
      parseJudged(frame, parse, ar.succeeded() ? ar.result() : null);
      resume();
    });
  }

  private void parseJudged(FrontendFrame frame, ParseMessage parse, Judgement j) {
    if (j != null && !(j.overall() instanceof Decision.Deny) && !j.masking().isEmpty() && copyOutQuery(j) != null) {
      j = refused("with masking rules in force, COPY … TO STDOUT works over the simple query protocol only");
    }
    awaiting.parsed(parse.statementName(), null);
    ErrorReplies.Refusal refusal;
    if (j == null) {
      refusal = ErrorReplies.judgementUnavailable();
    } else {
      List<String> ids = tracker.decided(j, parse.sql(), "extended");
      if (j.overall() instanceof Decision.Review review) {
        // Parsing runs nothing: the statement goes to the server, and each Execute of it waits for approval.
        statements.parsed(parse.statementName(), parse.sql(), j);
        tracker.parsed(parse.statementName(), ids.get(0), j.masking());
        awaiting.parsed(parse.statementName(), new HeldStatements.Reviewed(j, review, parse.sql(), ids.get(0)));
        append(frame.bytes());
        return;
      }
      if (j.allowed()) {
        statements.remember(j);
        statements.parsed(parse.statementName(), parse.sql(), j);
        tracker.parsed(parse.statementName(), ids.isEmpty() ? null : ids.get(0), j.masking());
        append(frame.bytes());
        return;
      }
      refusal = ErrorReplies.statementRefused(j.overall());
    }
    tracker.parseRefused(parse.statementName());
    append(RefusalStatement.query(refusal));
    ignoreTillSync = true;
  }

  /** A refusal by the gateway itself (no rule): the audit trail gets the statement with this reason. */
  private static Judgement refused(String reason) {
    return new Judgement(List.of(), new Decision.Deny(null, null, reason));
  }

  /** The SELECT of the judgement's {@code COPY table TO STDOUT}, if it has one. */
  private static String copyOutQuery(Judgement j) {
    for (JudgedStatement s : j.statements()) {
      if (s.copyOutQuery() != null) {
        return s.copyOutQuery();
      }
    }
    return null;
  }

  private io.vertx.core.Future<Judgement> judge(String sql) {
    judging = true;
    flush(); // the server works on what came before while the policy decides
    JudgeRequest request = new JudgeRequest(sessionId, identity, target, sql, statements.prepared());
    return vertx.eventBus().<Judgement>request(LoopAffinity.address(vertx, Addresses.POLICY_JUDGE), request).map(Message::body);
  }

  private void resume() {
    judging = false;
    if (!ended) {
      pump();
    }
  }

  private boolean tokenExpired() {
    if (!identity.expiredAt(Instant.now())) {
      return false;
    }
    expiring = true; // nothing more is forwarded; the FATAL follows the replies still due
    flush();
    checkExpiry();
    return true;
  }

  private void checkExpiry() {
    if (expiring && !ended && tracker.awaitingReady() == 0) {
      ending.end(ErrorReplies.tokenExpired(), "token expired");
    }
  }

  private void append(Buffer bytes) {
    outbound.appendBuffer(bytes);
  }

  private void flush() {
    if (tracker.masking()) {
      backend.inspectRows(); // before the statement goes out: its rows must not slip through uninspected
    }
    if (outbound.length() > 0 && upstream != null) {
      Buffer batch = outbound;
      outbound = Buffer.buffer();
      upstream.send(batch);
    }
  }

  /** Called on every upstream ack: the window may have room again. */
  void acked() {
    if (!ended) {
      pump();
    }
  }

  private void updateReading() {
    boolean pause = !ended && (upstream.saturated() || expiring
        || (judging && frames.buffered() > MAX_HELD_BYTES));
    if (pause != paused) {
      paused = pause;
      if (pause) {
        socket.pause();
      } else {
        socket.resume();
      }
    }
  }

  // --- backend → client ----------------------------------------------------------------------------------------

  void onBackend(Message<Buffer> message) {
    if (ended) {
      return;
    }
    if (!held.isEmpty()) {
      held.add(message); // behind a batch that waits for the column catalog: order is kept
      return;
    }
    relayBackend(message, message.body());
  }

  private void relayBackend(Message<Buffer> message, Buffer bytes) {
    String end = message.headers().get(FrameHeaders.END);
    if (end != null) {
      ending.end(null, "backend closed: " + end);
      return;
    }
    List<Buffer> segments;
    try {
      segments = backend.decode(bytes);
    } catch (RuntimeException e) {
      ending.end(e, e instanceof SessionRefusedException ? "masking unavailable" : "backend protocol error");
      return;
    }
    writeToClient(segments);
    if (tracker.backendViolation() != null) {
      ending.end(tracker.backendViolation(), "backend changed a pinned parameter");
      return;
    }
    if (backend.paused()) {
      // The rest of this batch waits in the decoder until the catalog answers; later batches wait in `held`.
      held.addFirst(message);
      tracker.maskingWait().onComplete(ar -> resumeBackend(ar.failed()));
      return;
    }
    checkExpiry();
    if (socket.writeQueueFull()) {
      unacked.add(message);
      socket.drainHandler(v -> ackAll());
    } else {
      message.reply(null);
    }
  }

  /**
   * One write per backend batch: a write from outside the socket's own read handler is flushed at once, so a
   * segment per masked row would cost a syscall and a TLS record per row. Copying the segments together is cheap.
   */
  private void writeToClient(List<Buffer> segments) {
    if (segments.size() == 1) {
      socket.write(segments.get(0));
    } else if (!segments.isEmpty()) {
      int length = 0;
      for (Buffer segment : segments) {
        length += segment.length();
      }
      Buffer joined = Buffer.buffer(length);
      for (Buffer segment : segments) {
        joined.appendBuffer(segment);
      }
      socket.write(joined);
    }
  }

  private void resumeBackend(boolean lookupFailed) {
    if (ended) {
      return;
    }
    if (lookupFailed) {
      ending.end(ErrorReplies.maskingUnavailable("the column catalog did not answer"), "masking unavailable");
      return;
    }
    Message<Buffer> paused = held.poll();
    relayBackend(paused, Buffer.buffer()); // the decoder still holds its bytes
    while (!ended && !backend.paused() && !held.isEmpty()) {
      Message<Buffer> next = held.poll();
      relayBackend(next, next.body());
    }
  }

  private void ackAll() {
    while (!unacked.isEmpty() && !socket.writeQueueFull()) {
      unacked.poll().reply(null);
    }
  }
}
