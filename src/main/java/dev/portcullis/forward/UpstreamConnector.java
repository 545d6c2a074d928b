package dev.portcullis.forward;

import dev.portcullis.config.TargetConfig;
import dev.portcullis.config.TargetConfig.UpstreamTls;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;

/**
 * Opens connections to a target: TCP, optional TLS (SSLRequest), and the authenticated startup driven by
 * {@link BackendHandshake}. Everything runs on the caller's event loop except SCRAM's key derivation.
 */
final class UpstreamConnector {
  /** A backend session that is authenticated, checked and idle; its socket is paused. */
  record BackendSession(NetSocket socket, Map<String, String> parameterStatus, int processId, int secretKey,
      Buffer unread) {}

  private final Vertx vertx;
  private final NetClient client;
  private final WorkerExecutor crypto;
  private final ForwarderOptions options;

  UpstreamConnector(Vertx vertx, NetClient client, WorkerExecutor crypto, ForwarderOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.crypto = crypto;
    this.options = options;
  }

  /** TCP (and TLS when the target asks for it). */
  Future<NetSocket> connect(TargetConfig target) {
    return client.connect(target.port(), target.host())
        .recover(e -> Future.failedFuture(new UpstreamException(UpstreamFailure.UNREACHABLE,
            "cannot reach the target (" + connectProblem(e) + ")")))
        .compose(socket -> secure(socket, target).onFailure(e -> socket.close()));
  }

  Future<BackendSession> open(TargetConfig target, Map<String, String> clientParameters) {
    return connect(target).compose(socket -> {
      Startup startup = new Startup(socket, new BackendHandshake(target));
      return startup.run(FrontendMessages.startup(BackendHandshake.startupParameters(target, clientParameters)));
    });
  }

  // Netty's messages name addresses; the client only learns the kind of failure.
  private static String connectProblem(Throwable e) {
    if (e instanceof java.net.ConnectException) {
      return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out")
          ? "connect timed out" : "connection refused";
    }
    if (e instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    return "network error";
  }

  private Future<NetSocket> secure(NetSocket socket, TargetConfig target) {
    UpstreamTls tls = target.tls() == null ? UpstreamTls.disabled() : target.tls();
    if (tls.mode() == UpstreamTls.Mode.DISABLE) {
      return Future.succeededFuture(socket);
    }
    Promise<NetSocket> answered = Promise.promise();
    socket.handler(bytes -> {
      // Exactly one byte: anything after 'S' would be plaintext injected before the handshake.
      if (bytes.length() == 1 && bytes.getByte(0) == 'S') {
        answered.tryComplete(socket);
      } else {
        answered.tryFail(new UpstreamException(UpstreamFailure.UNREACHABLE, "the target does not offer TLS"));
      }
    });
    socket.closeHandler(v -> answered.tryFail(
        new UpstreamException(UpstreamFailure.UNREACHABLE, "the target closed the connection during TLS setup")));
    socket.write(FrontendMessages.sslRequest());
    return answered.future()
        .compose(s -> s.upgradeToSsl(sslOptions(tls), target.host())
            .recover(e -> Future.failedFuture(new UpstreamException(UpstreamFailure.UNREACHABLE,
                "TLS to the target failed: " + e.getMessage())))
            .map(socket));
  }

  private static ClientSSLOptions sslOptions(UpstreamTls tls) {
    ClientSSLOptions ssl = new ClientSSLOptions();
    if (tls.mode() == UpstreamTls.Mode.REQUIRE) {
      return ssl.setTrustAll(true).setHostnameVerificationAlgorithm("");
    }
    ssl.setHostnameVerificationAlgorithm("HTTPS");
    if (tls.caFile() != null) {
      ssl.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile().toString()));
    }
    return ssl;
  }

  /** One startup conversation: owns the socket's handlers until the backend is ready or the attempt failed. */
  private final class Startup {
    private final NetSocket socket;
    private final BackendHandshake handshake;
    private final BackendFramer framer = new BackendFramer();
    private final Promise<BackendSession> result = Promise.promise();
    private long timer;

    Startup(NetSocket socket, BackendHandshake handshake) {
      this.socket = socket;
      this.handshake = handshake;
    }

    Future<BackendSession> run(Buffer startupMessage) {
      timer = vertx.setTimer(options.handshakeTimeout().toMillis(), id -> fail(
          new UpstreamException(UpstreamFailure.UNREACHABLE, "the target did not finish the startup in time")));
      socket.handler(this::onBytes);
      socket.exceptionHandler(e -> fail(new UpstreamException(UpstreamFailure.UNREACHABLE,
          "the connection to the target failed during startup")));
      socket.closeHandler(v -> fail(new UpstreamException(UpstreamFailure.UNREACHABLE,
          "the target closed the connection during startup")));
      socket.write(startupMessage);
      return result.future();
    }

    private void onBytes(Buffer bytes) {
      if (result.future().isComplete()) {
        return;
      }
      try {
        framer.append(bytes);
        BackendMessage message;
        while (!result.future().isComplete() && (message = framer.next()) != null) {
          act(handshake.onMessage(message));
        }
      } catch (UpstreamException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new UpstreamException(UpstreamFailure.OTHER, "the target sent a malformed startup message"));
      }
    }

    private void act(BackendHandshake.Step step) {
      if (step instanceof BackendHandshake.Step.Send send) {
        socket.write(send.bytes());
      } else if (step instanceof BackendHandshake.Step.Derive derive) {
        // PBKDF2 takes milliseconds of CPU: never on the event loop. The backend waits for our answer meanwhile.
        crypto.executeBlocking(() -> derive.bytes().get(), false)
            .onSuccess(socket::write)
            .onFailure(e -> fail(e instanceof UpstreamException u ? u
                : new UpstreamException(UpstreamFailure.OTHER, "SCRAM authentication failed")));
      } else if (step instanceof BackendHandshake.Step.Ready) {
        vertx.cancelTimer(timer);
        socket.pause();
        socket.handler(null);
        socket.exceptionHandler(null);
        socket.closeHandler(null);
        result.tryComplete(new BackendSession(socket, handshake.parameterStatus(), handshake.processId(),
            handshake.secretKey(), framer.remaining()));
      }
    }

    private void fail(Throwable e) {
      vertx.cancelTimer(timer);
      if (result.tryFail(e)) {
        socket.close();
      }
    }
  }
}
