package dev.portcullis.pg;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * Turns a plaintext connection into TLS after the SSLRequest: writes the one-byte answer in clear, then puts a TLS
 * handler in front of the socket's pipeline. Reading stays off from before the answer until the handler is in
 * place, so no byte of the client's handshake can be read as plaintext.
 *
 * <p>Why not {@code NetSocket.upgradeToSsl}: in Vert.x 5.0.7, on a port shared by several verticle instances only
 * the first instance's sockets can upgrade (the others have no TLS context manager and fail), so the gateway does
 * the upgrade itself, identically on every instance.
 */
final class TlsUpgrade {
  private final SslContext context;
  private final long handshakeTimeoutMillis;

  TlsUpgrade(SslContext context, long handshakeTimeoutMillis) {
    this.context = context;
    this.handshakeTimeoutMillis = handshakeTimeoutMillis;
  }

  /** Completes once the handshake is done; afterwards the socket's handler receives decrypted bytes. */
  Future<Void> start(NetSocket socket, Buffer answer) {
    Channel channel = ((NetSocketInternal) socket).channelHandlerContext().channel();
    channel.config().setAutoRead(false);
    Promise<Void> done = Promise.promise();
    socket.write(answer).onComplete(written -> {
      if (written.failed()) {
        done.tryFail(written.cause());
        return;
      }
      SslHandler tls = context.newHandler(channel.alloc());
      tls.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
      channel.pipeline().addFirst("portcullis-tls", tls);
      channel.config().setAutoRead(true);
      tls.handshakeFuture().addListener(f -> {
        if (f.isSuccess()) {
          done.tryComplete();
        } else {
          done.tryFail(f.cause());
        }
      });
    });
    return done.future();
  }
}
