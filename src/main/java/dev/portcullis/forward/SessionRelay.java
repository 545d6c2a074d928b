package dev.portcullis.forward;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Relays one backend session's bytes to and from the termination side as the frame flow of {@code package-info}
 * says: one bus message per backend read, at most {@link FrameHeaders#MAX_IN_FLIGHT} unacknowledged (the backend
 * socket pauses at the limit), client batches acknowledged only when the backend's write queue has room, and the
 * {@link FrameHeaders#END} header or any failure closing both directions. Runs on one event loop.
 */
final class SessionRelay {
  private final EventBus bus;
  private final NetSocket backend;
  private final String toClient;
  private final String toUpstream;
  private final RelayCounters counters;
  private final DeliveryOptions batchOptions;
  private final Consumer<SessionRelay> onClosed;
  private final Queue<Message<Buffer>> unacknowledged = new ArrayDeque<>();
  private MessageConsumer<Buffer> consumer;
  private int inFlight;
  private boolean paused;
  private boolean closed;

  SessionRelay(Vertx vertx, NetSocket backend, String toClient, String toUpstream, RelayCounters counters,
      long ackTimeoutMillis, Consumer<SessionRelay> onClosed) {
    this.bus = vertx.eventBus();
    this.backend = backend;
    this.toClient = toClient;
    this.toUpstream = toUpstream;
    this.counters = counters;
    this.onClosed = onClosed;
    this.batchOptions = new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC).setSendTimeout(ackTimeoutMillis);
  }

  String toUpstreamAddress() {
    return toUpstream;
  }

  /** Registers the per-session consumer, then starts reading the (paused) backend socket. */
  Future<Void> start(Buffer unread) {
    counters.sessionOpened();
    consumer = bus.consumer(toUpstream);
    consumer.handler(this::fromClient);
    backend.handler(this::fromBackend);
    backend.closeHandler(v -> close("backend closed the connection", true));
    backend.exceptionHandler(e -> close("backend connection failed", true));
    backend.drainHandler(v -> acknowledgeWaiting());
    return consumer.completion().onSuccess(v -> {
      if (unread.length() > 0) {
        fromBackend(unread);
      }
      if (!paused) {
        backend.resume();
      }
    }).onFailure(e -> close("could not register the session address", true));
  }

  private void fromBackend(Buffer batch) {
    if (closed) {
      return;
    }
    inFlight++;
    bus.request(toClient, batch, batchOptions).onComplete(ack -> {
      if (ack.failed()) {
        close("the client side did not acknowledge", true);
        return;
      }
      inFlight--;
      if (paused && inFlight < FrameHeaders.MAX_IN_FLIGHT && !closed) {
        paused = false;
        backend.resume();
      }
    });
    if (inFlight >= FrameHeaders.MAX_IN_FLIGHT && !paused) {
      paused = true;
      backend.pause();
      counters.backendPaused();
    }
  }

  private void fromClient(Message<Buffer> message) {
    if (closed) {
      return;
    }
    if (message.headers().contains(FrameHeaders.END)) {
      close("the client side ended the session", false);
      return;
    }
    backend.write(message.body());
    // Acks keep arrival order: once one waits for drain, later ones wait behind it.
    if (backend.writeQueueFull() || !unacknowledged.isEmpty()) {
      unacknowledged.add(message);
    } else {
      message.reply(null);
    }
  }

  private void acknowledgeWaiting() {
    Message<Buffer> message;
    while (!backend.writeQueueFull() && (message = unacknowledged.poll()) != null) {
      message.reply(null);
    }
  }

  /** Ends the session once: unregisters, closes the backend socket, and tells the client side unless it ended. */
  void close(String reason, boolean tellClient) {
    if (closed) {
      return;
    }
    closed = true;
    unacknowledged.clear();
    if (consumer != null) {
      consumer.unregister();
    }
    backend.close();
    if (tellClient) {
      bus.send(toClient, Buffer.buffer(),
          new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC).addHeader(FrameHeaders.END, reason));
    }
    counters.sessionClosed();
    onClosed.accept(this);
  }
}
