package dev.portcullis.pg;

import dev.portcullis.events.SessionEvents;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.forward.UpstreamCancel;
import dev.portcullis.forward.UpstreamOpen;
import dev.portcullis.forward.UpstreamOpened;
import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import dev.portcullis.identity.Identity;
import dev.portcullis.pg.codec.BackendMessages;
import dev.portcullis.pg.codec.CancelRequest;
import dev.portcullis.pg.codec.FrontendFrame;
import dev.portcullis.pg.codec.FrontendFrameDecoder;
import dev.portcullis.pg.codec.MessageTypes;
import dev.portcullis.pg.codec.PasswordMessage;
import dev.portcullis.pg.codec.PgProtocolException;
import dev.portcullis.pg.codec.StartupMessage;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Admission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the PostgreSQL listener, from the first byte to the close.
 *
 * <pre>
 *  client                         gateway                                    bus
 *  SSLRequest ──────────────────▶ 'S' + TLS handshake   (GSSENCRequest → 'N'; CancelRequest → cancel, close)
 *  StartupMessage(user, database=target, …) ▶ [NegotiateProtocolVersion] AuthenticationCleartextPassword
 *  PasswordMessage(token) ──────▶ TokenValidator ─▶ POLICY_ADMIT ─▶ FORWARD_PG_OPEN
 *  ◀── AuthenticationOk, ParameterStatus*, BackendKeyData (gateway key), ReadyForQuery 'I'
 *  … READY: {@link MessageRelay}
 * </pre>
 */
final class PgFrontendSession {
  private static final Logger LOG = LoggerFactory.getLogger(PgFrontendSession.class);
  /** Bound on a message before authentication (a PasswordMessage carrying a token of a few KiB). */
  static final int UNAUTHENTICATED_MAX_MESSAGE_BYTES = 64 * 1024;

  /** Where the session is; each state names the bytes it expects next. */
  enum State {
    /** Untyped: {@code int32 len | int32 code | body}; SSLRequest, GSSENCRequest, CancelRequest or StartupMessage. */
    AWAIT_STARTUP,
    /** 'S' sent; the TLS handshake runs. Plaintext that came with the SSLRequest was refused before this. */
    TLS_HANDSHAKE,
    /** AuthenticationCleartextPassword sent; expecting {@code 'p' | int32 len | cstring token}. */
    AWAIT_PASSWORD,
    /** Token validation, admission and the upstream open run; the client socket is paused. */
    AUTHENTICATING,
    /** Typed frontend messages are judged and relayed ({@link MessageRelay}). */
    READY,
    CLOSED
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final PgListenerContext ctx;
  private final FrontendFrameDecoder frames;
  private final String sessionId = UUID.randomUUID().toString();
  private final long startNanos = System.nanoTime();
  private State state = State.AWAIT_STARTUP;
  private boolean tls;
  private long startupTimer;
  private StartupParameters parameters;
  private SessionInfo info;
  private StatementTracker tracker;
  private MessageRelay relay;
  private MessageConsumer<Buffer> fromBackend;
  private MessageConsumer<String> cancels;
  private UpstreamLink upstream;
  private CancelKeys.Issued cancelKey;
  private Admission admission;
  private boolean started;

  PgFrontendSession(Vertx vertx, NetSocket socket, PgListenerContext ctx) {
    this.vertx = vertx;
    this.socket = socket;
    this.ctx = ctx;
    this.frames = new FrontendFrameDecoder(ctx.config().maxMessageBytes());
  }

  void start() {
    socket.closeHandler(v -> close("client disconnected"));
    socket.exceptionHandler(e -> LOG.debug("session {}: socket error: {}", sessionId, e.toString()));
    socket.handler(this::onData);
    startupTimer = vertx.setTimer(ctx.config().startupTimeout().toMillis(), id -> {
      if (state != State.READY && state != State.CLOSED) {
        LOG.debug("session {}: startup timed out in state {}", sessionId, state);
        refuse(ErrorReplies.startupTimeout());
      }
    });
  }

  /** Refuses a connection beyond {@code maxConnections} without reading anything. */
  static void refuseOverLimit(NetSocket socket) {
    socket.write(ErrorReplies.fatal(ErrorReplies.tooManyConnections()).encode()).onComplete(ar -> socket.close());
  }

  private void onData(Buffer data) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.TLS_HANDSHAKE) {
      refuse(ErrorReplies.plaintextAfterSslRequest());
      return;
    }
    frames.feed(data);
    pump();
  }

  private void pump() {
    try {
      while (state == State.AWAIT_STARTUP || state == State.AWAIT_PASSWORD) {
        FrontendFrame frame = frames.next();
        if (frame == null) {
          return;
        }
        if (state == State.AWAIT_STARTUP) {
          onStartupFrame(frame);
        } else {
          onPassword(frame);
        }
      }
      if (state == State.READY) {
        relay.pump();
      }
    } catch (RuntimeException e) {
      refuse(e);
    }
  }

  private void onStartupFrame(FrontendFrame frame) {
    switch (frame.startupCode()) {
      case MessageTypes.SSL_REQUEST_CODE -> {
        if (tls) {
          throw ErrorReplies.unexpectedRequest("SSLRequest on an encrypted connection");
        }
        if (frames.buffered() > 0) {
          throw ErrorReplies.plaintextAfterSslRequest(); // CVE-2021-23214: never treat these as encrypted
        }
        state = State.TLS_HANDSHAKE;
        ctx.tls().start(socket, Buffer.buffer(1).appendByte(BackendMessages.SSL_ACCEPTED)).onComplete(ar -> {
          if (ar.failed()) {
            LOG.debug("session {}: TLS handshake failed: {}", sessionId, ar.cause().toString());
            close("TLS handshake failed");
          } else if (state == State.TLS_HANDSHAKE) {
            tls = true;
            state = State.AWAIT_STARTUP;
            pump();
          }
        });
      }
      case MessageTypes.GSSENC_REQUEST_CODE -> {
        if (tls) {
          throw ErrorReplies.unexpectedRequest("GSSENCRequest on an encrypted connection");
        }
        socket.write(Buffer.buffer(1).appendByte(BackendMessages.ENCRYPTION_DECLINED));
      }
      case MessageTypes.CANCEL_REQUEST_CODE -> onCancel(CancelRequest.parse(frame));
      default -> onStartupMessage(StartupMessage.parse(frame));
    }
  }

  private void onCancel(CancelRequest request) {
    CancelKeys.Backend backend = ctx.cancelKeys().lookup(request.processId(), request.secretKey());
    if (backend != null) {
      // The session decides: a statement waiting for approval never reached the backend (cancel the wait, not
      // the backend, where it would hit the refusal the gateway sends instead); anything else goes to the backend.
      vertx.eventBus().request(backend.cancelAddress(), "").onFailure(e -> cancelUpstream(vertx, backend));
    }
    close("cancel request"); // PostgreSQL never answers a CancelRequest
  }

  private static void cancelUpstream(Vertx vertx, CancelKeys.Backend backend) {
    vertx.eventBus().send(LoopAffinity.address(vertx, Addresses.FORWARD_PG_CANCEL),
        new UpstreamCancel(backend.target(), backend.processId(), backend.secretKey()));
  }

  private void onStartupMessage(StartupMessage startup) {
    if (startup.major() != 3) {
      throw ErrorReplies.unsupportedProtocol(startup.major(), startup.minor());
    }
    if (!ctx.gate().admitsNewSessions()) {
      throw ErrorReplies.auditUndeliverable(); // before any token is sent: nothing of the client is needed
    }
    parameters = StartupParameters.filter(startup.parameters());
    // Until the token is accepted, a message is at most a token: unauthenticated peers cannot pin 16 MiB each.
    frames.typedMode(Math.min(UNAUTHENTICATED_MAX_MESSAGE_BYTES, ctx.config().maxMessageBytes()));
    if (startup.minor() > 0 || !parameters.unsupported().isEmpty()) {
      socket.write(BackendMessages.negotiateProtocolVersion(0, parameters.unsupported()));
    }
    if (!tls && !ctx.config().allowPlaintext()) {
      throw ErrorReplies.tlsRequired();
    }
    socket.write(BackendMessages.authenticationCleartextPassword());
    state = State.AWAIT_PASSWORD;
  }

  private void onPassword(FrontendFrame frame) {
    if (frame.type() != MessageTypes.FRONTEND_PASSWORD) {
      throw PgProtocolException.violation("expected a password message");
    }
    String token = PasswordMessage.parse(frame);
    state = State.AUTHENTICATING;
    socket.pause();
    ctx.tokens().validate(token)
        .compose(this::admit)
        .compose(this::openUpstream)
        .onSuccess(this::ready)
        .onFailure(this::refuse);
  }

  private Future<Admission> admit(Identity identity) {
    info = new SessionInfo(sessionId, ctx.gatewayId(), identity, parameters.target(), "postgres");
    return vertx.eventBus().<Admission>request(LoopAffinity.address(vertx, Addresses.POLICY_ADMIT), new AdmitRequest(identity, parameters.target()))
        .map(Message::body)
        .compose(admission -> admission.admitted()
            ? Future.succeededFuture(admission)
            : Future.failedFuture(ErrorReplies.notAdmitted(admission.reason())));
  }

  private Future<UpstreamOpened> openUpstream(Admission admission) {
    if (state != State.AUTHENTICATING) {
      return Future.failedFuture("session closed during authentication");
    }
    this.admission = admission;
    tracker = new StatementTracker(ctx.events(), info,
        new ResultMasking(new BusColumnCatalog(vertx, parameters.target()), ctx.maskingKey()));
    relay = new MessageRelay(vertx, socket, frames, tracker, sessionId, parameters.target(), info.identity(),
        new SessionApprovals(vertx, info), this::end);
    String toClient = "portcullis.pg.session." + sessionId + ".to-client";
    fromBackend = vertx.eventBus().consumer(toClient, relay::onBackend);
    return fromBackend.completion()
        .compose(v -> vertx.eventBus().<UpstreamOpened>request(LoopAffinity.address(vertx, Addresses.FORWARD_PG_OPEN),
            new UpstreamOpen(sessionId, parameters.target(), parameters.passed(), toClient)))
        .map(Message::body);
  }

  private void ready(UpstreamOpened opened) {
    upstream = new UpstreamLink(vertx, opened.toUpstreamAddress(), relay::acked, e -> end(e, "upstream failed"));
    if (state != State.AUTHENTICATING) {
      upstream.end("client gone"); // the client left (or timed out) while the backend was being opened
      return;
    }
    vertx.cancelTimer(startupTimer);
    CancelKeys.Backend backend = new CancelKeys.Backend(parameters.target(), opened.processId(), opened.secretKey(),
        sessionId);
    cancelKey = ctx.cancelKeys().issue(backend);
    cancels = vertx.eventBus().consumer(backend.cancelAddress(), m -> {
      if (!relay.cancelHeld()) {
        cancelUpstream(vertx, backend);
      }
      m.reply(null);
    });
    Buffer hello = BackendMessages.authenticationOk();
    new TreeMap<>(opened.parameterStatus())
        .forEach((name, value) -> hello.appendBuffer(BackendMessages.parameterStatus(name, value)));
    hello.appendBuffer(BackendMessages.backendKeyData(cancelKey.processId(), cancelKey.secretKey()))
        .appendBuffer(BackendMessages.readyForQuery(MessageTypes.TX_IDLE));
    socket.write(hello);
    relay.start(upstream);
    frames.typedMode(ctx.config().maxMessageBytes());
    state = State.READY;
    started = true;
    ctx.events().publish(SessionEvents.started(info, String.valueOf(socket.remoteAddress()),
        parameters.applicationName(), tls, admission.policies()));
    socket.resume();
    pump();
  }

  /** Sends the FATAL ErrorResponse for {@code failure} (when the protocol allows one) and closes. */
  private void refuse(Throwable failure) {
    end(failure, failure instanceof SessionRefusedException ? failure.getMessage() : "refused: " + failure);
  }

  private void end(Throwable failure, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (failure != null && !(failure instanceof SessionRefusedException)
        && !(failure instanceof PgProtocolException)) {
      LOG.info("session {}: {}", sessionId, failure.toString());
    }
    if (failure != null && state != State.TLS_HANDSHAKE) {
      socket.write(ErrorReplies.fatal(failure).encode());
    }
    close(reason);
    socket.close();
  }

  private void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    vertx.cancelTimer(startupTimer);
    ctx.connections().decrementAndGet();
    if (relay != null) {
      relay.stop();
      tracker.close();
    }
    if (cancels != null) {
      cancels.unregister();
    }
    if (fromBackend != null) {
      fromBackend.unregister();
    }
    if (upstream != null) {
      upstream.end(reason);
    }
    if (cancelKey != null) {
      ctx.cancelKeys().remove(cancelKey);
    }
    if (started) {
      ctx.events().publish(SessionEvents.ended(info, reason, (System.nanoTime() - startNanos) / 1_000_000,
          tracker.completedStatements()));
    }
    socket.close();
  }
}
