package dev.portcullis.ssh;

import dev.portcullis.config.SshListenConfig;
import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.TokenValidator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.Map;

/**
 * Terminates SSH connections ({@code listen.ssh}); a thin adapter over {@link SshGatewayServer}. MINA runs its own
 * I/O threads, so one instance serves every connection; token validation and policy calls run on this verticle's
 * context, and starting and stopping the listener (which binds and reads key files) run on a worker.
 */
public final class SshTerminationVerticle extends VerticleBase {
  private final SshListenConfig listen;
  private final Map<String, SshTargetConfig> targets;
  private final TokenValidator tokens;
  private final SshPolicy policy;
  private final SshApprovals approvals;
  private final SshSessionEvents events;
  private final ChannelRecorders recorders;
  private SshGatewayServer server;

  public SshTerminationVerticle(SshListenConfig listen, Map<String, SshTargetConfig> targets, TokenValidator tokens,
      SshPolicy policy, SshApprovals approvals, SshSessionEvents events, ChannelRecorders recorders) {
    this.listen = listen;
    this.targets = Map.copyOf(targets);
    this.tokens = tokens;
    this.policy = policy;
    this.approvals = approvals;
    this.events = events;
    this.recorders = recorders;
  }

  @Override
  public Future<?> start() {
    Context ctx = context;
    return vertx.executeBlocking(() -> {
      SshGatewayServer started = new SshGatewayServer(listen, targets, tokens,
          task -> ctx.runOnContext(v -> task.run()), policy, approvals, events, recorders);
      try {
        started.start();
      } catch (Exception e) {
        started.close();
        throw e;
      }
      server = started;
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    SshGatewayServer s = server;
    return s == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      s.close();
      return null;
    });
  }

  /** The bound port (useful with port 0). */
  public int actualPort() {
    return server.port();
  }
}
