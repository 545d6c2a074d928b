package dev.portcullis.forward;

import dev.portcullis.gateway.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the termination side of the frame flow in tests: receives backend batches on {@link #address}, acks them
 * (optionally late), frames them into messages, and sends raw client bytes to the forwarder.
 */
final class TerminationSide implements AutoCloseable {
  final String address = "test.to-client." + UUID.randomUUID();
  final List<BackendMessage> messages = new CopyOnWriteArrayList<>();
  final BlockingQueue<BackendMessage> completions = new LinkedBlockingQueue<>();
  final CompletableFuture<String> ended = new CompletableFuture<>();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong dataRows = new AtomicLong();
  final AtomicInteger unacknowledged = new AtomicInteger();
  final AtomicInteger maxUnacknowledged = new AtomicInteger();
  private final Vertx vertx;
  private final BackendFramer framer = new BackendFramer(64 << 20);
  private final MessageConsumer<Buffer> consumer;
  private final boolean keepMessages;
  private final long ackDelayMillis;

  TerminationSide(Vertx vertx, boolean keepMessages, long ackDelayMillis) throws Exception {
    this.vertx = vertx;
    this.keepMessages = keepMessages;
    this.ackDelayMillis = ackDelayMillis;
    this.consumer = vertx.eventBus().consumer(address, this::onBatch);
    consumer.completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void onBatch(Message<Buffer> message) {
    String end = message.headers().get(FrameHeaders.END);
    if (end != null) {
      ended.complete(end);
      return;
    }
    int now = unacknowledged.incrementAndGet();
    maxUnacknowledged.accumulateAndGet(now, Math::max);
    bytes.addAndGet(message.body().length());
    framer.append(message.body());
    BackendMessage m;
    while ((m = framer.next()) != null) {
      if (m.type() == BackendMessage.DATA_ROW) {
        dataRows.incrementAndGet();
      }
      if (keepMessages || m.type() != BackendMessage.DATA_ROW) {
        messages.add(m);
      }
      if (m.type() == BackendMessage.READY_FOR_QUERY || m.type() == BackendMessage.ERROR_RESPONSE) {
        completions.add(m);
      }
    }
    if (ackDelayMillis > 0) {
      vertx.setTimer(ackDelayMillis, id -> {
        unacknowledged.decrementAndGet();
        message.reply(null);
      });
    } else {
      unacknowledged.decrementAndGet();
      message.reply(null);
    }
  }

  /** Sends raw client bytes and waits for the forwarder's ack. */
  void send(String toUpstream, Buffer bytes) throws Exception {
    vertx.eventBus().request(toUpstream, bytes, new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void end(String toUpstream) {
    vertx.eventBus().send(toUpstream, Buffer.buffer(),
        new DeliveryOptions().setCodecName(Addresses.BUFFER_CODEC).addHeader(FrameHeaders.END, "test ends"));
  }

  /** The next ErrorResponse or ReadyForQuery. */
  BackendMessage nextCompletion() throws InterruptedException {
    BackendMessage m = completions.poll(30, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no ReadyForQuery/ErrorResponse within 30 s");
    }
    return m;
  }

  @Override
  public void close() {
    consumer.unregister();
  }
}
