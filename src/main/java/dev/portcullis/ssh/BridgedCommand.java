package dev.portcullis.ssh;

import dev.portcullis.approval.ApprovalMessages;
import dev.portcullis.policy.Decision;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec, shell or subsystem of an agent, run on the target through the gateway's own session.
 *
 * <p>{@link #start} returns at once: the policy is asked, then (when allowed) the upstream channel is opened with
 * the agent's PTY settings, and three {@link StreamPump}s bridge stdin, stdout and stderr with back-pressure.
 * Window changes are relayed. When the target's channel has closed and both output streams are drained, the exit
 * status or signal goes to the agent and the channel closes. A refusal is a message on stderr and exit status
 * {@value #REFUSED}; nothing runs on the target.
 */
final class BridgedCommand implements AsyncCommand {
  private static final Logger LOG = LoggerFactory.getLogger(BridgedCommand.class);
  /** Exit status of a refused command (POSIX shells use 126 for "found but cannot be run"). */
  static final int REFUSED = 126;
  /** Exit status when the gateway itself failed (as OpenSSH's client uses 255 for its own errors). */
  static final int GATEWAY_ERROR = 255;

  private final BridgeServices services;
  private final SshChannelKind kind;
  private final String detail;
  private IoInputStream in;
  private IoOutputStream out;
  private IoOutputStream err;
  private ExitCallback exit;
  private GatewayChannelSession channel;
  private AgentSession agent;
  private String statementId;
  private ChannelRecorder recorder = ChannelRecorders.NONE.open(null, null, false, 0, 0);
  private volatile ClientChannel upstream;
  /** The approval this channel waits for, until it is answered. */
  private volatile SshApprovals.Pending pending;
  private long startedNanos;
  private final AtomicInteger open = new AtomicInteger(3); // stdout, stderr, upstream channel
  private final AtomicBoolean finished = new AtomicBoolean();

  BridgedCommand(BridgeServices services, SshChannelKind kind, String detail) {
    this.services = services;
    this.kind = kind;
    this.detail = detail;
  }

  @Override
  public void setIoInputStream(IoInputStream in) {
    this.in = in;
  }

  @Override
  public void setIoOutputStream(IoOutputStream out) {
    this.out = out;
  }

  @Override
  public void setIoErrorStream(IoOutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback exit) {
    this.exit = exit;
  }

  @Override
  public void setInputStream(java.io.InputStream in) {
    // async streams only (AsyncCommand)
  }

  @Override
  public void setOutputStream(java.io.OutputStream out) {}

  @Override
  public void setErrorStream(java.io.OutputStream err) {}

  @Override
  public void start(ChannelSession session, Environment env) {
    channel = (GatewayChannelSession) session;
    agent = SshGatewayServer.agentOf(session.getSession());
    if (agent == null) {
      refuse("not authenticated");
      return;
    }
    agent.admitted().onComplete(admitted -> {
      if (admitted.succeeded()) {
        judge(env);
      } else {
        // A certificate login the policy does not admit: say why on this channel, then end the connection.
        // The connection goes once this channel has closed, so its exit status reaches the client first.
        channel.addCloseFutureListener(closed -> channel.getSession().close(false));
        refuse(SshGatewayServer.notAdmitted(admitted.cause()));
      }
    });
  }

  /** Asks the policy about this channel (once the login is admitted), then refuses, holds or runs it. */
  private void judge(Environment env) {
    statementId = agent.nextStatementId();
    startedNanos = System.nanoTime();
    SshChannelRequest request = new SshChannelRequest(agent.sessionId(), agent.identity(), agent.target().name(),
        kind, detail);
    Future<SshVerdict> judged;
    if (agent.identity().expiredAt(Instant.now())) {
      // A connection outlives its token: what it opens after the expiry is refused, as a SQL statement would be.
      judged = Future.succeededFuture(SshVerdict.deny("the token expired at " + agent.identity().expiresAt()
          + "; connect again with a fresh token"));
    } else {
      try {
        judged = services.policy().judge(request);
      } catch (RuntimeException e) {
        judged = Future.failedFuture(e);
      }
    }
    judged.onComplete(answer -> {
      SshVerdict verdict = answer.succeeded() && answer.result() != null ? answer.result()
          : SshVerdict.deny("the policy could not be asked");
      services.events().decided(agent, statementId, request, verdict);
      LOG.debug("ssh: {} {} decided {}", statementId, kind, verdict);
      if (verdict instanceof SshVerdict.Deny deny) {
        refuse(deny.reason());
      } else if (verdict instanceof SshVerdict.Review review) {
        awaitApproval(request, review.review(), env);
      } else {
        run(env);
      }
    });
  }

  /** Connects (or reuses the connection) to the target and opens the channel there. */
  private void run(Environment env) {
    // An agent-forwarding request came before this command on the channel: its answer shapes the channel opened.
    channel.agentForwarding()
        .compose(judgedToo -> agent.upstream(() -> services.connector().connect(agent.target())))
        .onSuccess(upstreamSession -> openUpstream(upstreamSession, env))
        .onFailure(e -> failed(e instanceof TargetUnavailableException ? e.getMessage()
            : "cannot reach target '" + agent.target().name() + "'"));
  }

  /**
   * A review rule caught the channel. Hold mode: the agent is told what it waits for (on stderr), nothing reaches
   * the target until a person approves, and the agent's input waits in the channel's window. Retry mode: refused
   * at once with the approval id, and run when the same command comes again after approval.
   */
  private void awaitApproval(SshChannelRequest request, Decision.Review review, Environment env) {
    SshApprovals.Pending asked = ask(request, review);
    pending = asked;
    String what = kind == SshChannelKind.EXEC ? "command" : kind.name().toLowerCase(java.util.Locale.ROOT);
    Future<Void> told = asked.approvalId() != null && !review.terms().retry()
        ? say(ApprovalMessages.waiting(review, asked.approvalId())) : Future.succeededFuture();
    String approvalId = asked.approvalId();
    told.compose(v -> asked.answer()).onComplete(answer -> {
      if (finished.get()) {
        return; // the agent went away while it waited: destroy() withdrew the request
      }
      pending = null;
      HeldOutcome outcome = HeldOutcome.of(review, answer, approvalId, what, agent.identity(), Instant.now());
      if (outcome instanceof HeldOutcome.Run go) {
        say(go.notice()).onComplete(v -> run(env));
      } else if (outcome instanceof HeldOutcome.Refuse refused) {
        refuse(refused.reason());
      } else {
        failed(((HeldOutcome.Fail) outcome).message());
      }
    });
  }

  private SshApprovals.Pending ask(SshChannelRequest request, Decision.Review review) {
    try {
      return services.approvals().ask(agent, statementId, request, review);
    } catch (RuntimeException e) {
      return new SshApprovals.Pending(null, Future.failedFuture(e), () -> {});
    }
  }

  private void openUpstream(ClientSession session, Environment env) {
    boolean pty = channel.ptyRequested();
    int cols = intEnv(env, Environment.ENV_COLUMNS, 80);
    int rows = intEnv(env, Environment.ENV_LINES, 24);
    ClientChannel up;
    try {
      up = switch (kind) {
        case EXEC -> withPty(session.createExecChannel(detail), pty, env, cols, rows);
        case SHELL -> withPty(session.createShellChannel(), pty, env, cols, rows);
        case SUBSYSTEM -> session.createSubsystemChannel(detail);
        default -> throw new IllegalStateException(kind + " is not a session channel");
      };
      up.setStreaming(StreamingChannel.Streaming.Async);
      if (up instanceof PtyCapableChannelSession withAgent
          && Boolean.TRUE.equals(channel.agentForwarding().result())) {
        withAgent.setAgentForwarding(true); // a rule allowed agent-forward on this channel (GatewayChannelSession)
      }
      upstream = up;
      if (channel.isClosing() || !channel.isOpen()) {
        up.close(true); // the agent went away while the policy or the connect ran
        return;
      }
      LOG.debug("ssh: {} opening the target's channel", statementId);
      up.open().addListener(opened -> {
        LOG.debug("ssh: {} target channel opened: {}", statementId, opened.isOpened());
        if (opened.isOpened()) {
          bridge(up, env, pty, cols, rows);
        } else {
          up.close(true);
          failed("the target refused the channel: " + (opened.getException() == null ? "no reason"
              : opened.getException().getMessage()));
        }
      });
    } catch (IOException | RuntimeException e) {
      failed("cannot open a channel on target '" + agent.target().name() + "': " + e.getMessage());
    }
  }

  private static <C extends PtyCapableChannelSession> C withPty(C up, boolean pty, Environment env, int cols,
      int rows) {
    up.setUsePty(pty);
    if (pty) {
      String term = env.getEnv().get(Environment.ENV_TERM);
      up.setPtyType(term == null ? "dumb" : term);
      up.setPtyColumns(cols);
      up.setPtyLines(rows);
      up.setPtyModes(env.getPtyModes());
    }
    return up;
  }

  private void bridge(ClientChannel up, Environment env, boolean pty, int cols, int rows) {
    recorder = services.recorders().open(agent, statementId, pty, cols, rows);
    ChannelRecorder rec = recorder;
    new StreamPump(up.getAsyncOut(), out, rec::output, this::outputDrained).start();
    new StreamPump(up.getAsyncErr(), err, rec::error, this::outputDrained).start();
    // End of the agent's input (or its channel closing) is EOF for the target: closing async stdin sends it.
    new StreamPump(in, up.getAsyncIn(), rec::input, () -> up.getAsyncIn().close(false)).start();
    if (up instanceof PtyCapableChannelSession resizable && pty) {
      env.addSignalListener((ch, signal) -> resize(resizable, env, cols, rows), Signal.WINCH);
      // A window change that arrived while the policy or the connect ran changed the size after the PTY request.
      if (intEnv(env, Environment.ENV_COLUMNS, cols) != cols || intEnv(env, Environment.ENV_LINES, rows) != rows) {
        resize(resizable, env, cols, rows);
      }
    }
    up.addCloseFutureListener(closed -> outputDrained());
  }

  private void resize(PtyCapableChannelSession up, Environment env, int cols, int rows) {
    int c = intEnv(env, Environment.ENV_COLUMNS, cols);
    int r = intEnv(env, Environment.ENV_LINES, rows);
    try {
      up.sendWindowChange(c, r);
      recorder.resized(c, r);
    } catch (IOException e) {
      LOG.debug("ssh: window change not relayed: {}", e.toString());
    }
  }

  /** Each output stream at its end, and the upstream channel closed: then the exit status is final. */
  private void outputDrained() {
    LOG.debug("ssh: {} output drained, {} left", statementId, open.get() - 1);
    if (open.decrementAndGet() == 0) {
      ClientChannel up = upstream;
      Integer status = up.getExitStatus();
      String signal = up.getExitSignal();
      if (status == null && signal == null) {
        failed("the connection to target '" + agent.target().name() + "' ended without an exit status");
        return;
      }
      finish(status, signal, null);
    }
  }

  private void finish(Integer status, String signal, String error) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    recorder.closed(status, signal);
    if (agent != null && statementId != null) {
      services.events().completed(agent, statementId, status, signal, error,
          (System.nanoTime() - startedNanos) / 1_000_000);
    }
    int code = status != null ? status : signal != null ? 128 + signalNumber(signal) : GATEWAY_ERROR;
    try {
      if (signal != null) {
        channel.sendExitSignal(signal, false, null);
      }
    } catch (IOException e) {
      LOG.debug("ssh: exit signal not sent: {}", e.toString());
    }
    exit.onExit(code, error == null ? "" : error, false);
  }

  /** Refused before anything ran: a message on stderr, then {@value #REFUSED}. */
  private void refuse(String reason) {
    say("portcullis: refused: " + reason).onComplete(v -> {
      if (finished.compareAndSet(false, true)) {
        exit.onExit(REFUSED, reason, false);
      }
    });
  }

  /** The gateway failed (target unreachable, host key refused, connection lost): message, then 255. */
  private void failed(String message) {
    if (finished.get()) {
      return;
    }
    say("portcullis: " + message).onComplete(v -> finish(null, null, message));
  }

  /** One line on the agent's stderr; completes when written (or failed: the agent may be gone). */
  private Future<Void> say(String line) {
    String eol = channel != null && channel.ptyRequested() ? "\r\n" : "\n";
    io.vertx.core.Promise<Void> written = io.vertx.core.Promise.promise();
    try {
      err.writeBuffer(new ByteArrayBuffer((line + eol).getBytes(StandardCharsets.UTF_8)))
          .addListener(w -> written.tryComplete());
    } catch (IOException | RuntimeException e) {
      written.tryComplete();
    }
    return written.future();
  }

  /** The agent's channel closed (or its connection dropped): the target's channel goes too. */
  @Override
  public void destroy(ChannelSession session) {
    SshApprovals.Pending waiting = pending;
    ClientChannel up = upstream;
    if (up != null && !up.isClosed()) {
      up.close(true);
    }
    if (finished.compareAndSet(false, true)) {
      if (waiting != null) {
        waiting.withdraw().run(); // it waited for approval and will never run
      }
      recorder.closed(null, null);
      if (agent != null && statementId != null) {
        services.events().completed(agent, statementId, null, null, "the agent closed the channel",
            (System.nanoTime() - startedNanos) / 1_000_000);
      }
    }
  }

  private static int intEnv(Environment env, String name, int otherwise) {
    try {
      return Integer.parseInt(env.getEnv().getOrDefault(name, ""));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static int signalNumber(String name) {
    Signal s = Signal.get(name);
    return s == null ? 0 : s.getNumeric();
  }
}
