package dev.portcullis.pg;

import dev.portcullis.forward.FrameHeaders;
import dev.portcullis.gateway.Addresses;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The client→backend half of the frame flow ({@code forward/package-info}): batches go to the forwarder's
 * per-session address as requests with the zero-copy codec, at most {@link FrameHeaders#MAX_IN_FLIGHT}
 * unacknowledged; a failed ack ends the session.
 */
final class UpstreamLink {
  /** Generous: the forwarder acks once the backend socket's write queue drains, which a slow backend delays. */
  private static final long ACK_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions options =
      new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC).setSendTimeout(ACK_TIMEOUT_MS);
  private final Runnable onAck;
  private final Handler<Throwable> onFailure;
  private int inFlight;
  private boolean ended;

  UpstreamLink(Vertx vertx, String address, Runnable onAck, Handler<Throwable> onFailure) {
    this.vertx = vertx;
    this.address = address;
    this.onAck = onAck;
    this.onFailure = onFailure;
  }

  void send(Buffer batch) {
    if (ended) {
      return;
    }
    inFlight++;
    vertx.eventBus().request(address, batch, options).onComplete(ar -> {
      inFlight--;
      if (ended) {
        return;
      }
      if (ar.failed()) {
        onFailure.handle(ar.cause());
      } else {
        onAck.run();
      }
    });
  }

  /** At the window limit: the caller pauses the client socket until the next ack. */
  boolean saturated() {
    return inFlight >= FrameHeaders.MAX_IN_FLIGHT;
  }

  /** Tells the forwarder to close the backend after what was sent before. Idempotent. */
  void end(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    vertx.eventBus().send(address, Buffer.buffer(),
        new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC).addHeader(FrameHeaders.END, reason));
  }
}
