package dev.portcullis.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a session's bus hops on one event loop.
 *
 * <p>Every statement crosses the bus four times (to the policy verticle and back, to the forwarder and back). When
 * the receiving instance runs on another event loop, each crossing wakes another thread: on a small machine that
 * wake-up latency, not the work, bounds throughput. So the policy and forwarding verticles are deployed once per
 * event loop, and each instance also listens on a <em>loop-local</em> variant of its address; a sender on an event
 * loop that has such an instance sends there, else to the shared address. The forwarder instance that opens a
 * session owns its upstream socket, so the session's frames then stay on the client's event loop too.
 *
 * <p>This is only a preference: the shared addresses keep working (worker threads, other processes later), and
 * nothing depends on co-location for correctness.
 */
public final class LoopAffinity {
  /** Loop-local addresses that currently have a consumer. */
  private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

  private LoopAffinity() {}

  /** Where to send {@code base} from the calling thread: its loop-local variant when one is served, else base. */
  public static String address(Vertx vertx, String base) {
    String local = localAddress(vertx, base);
    return local != null && REGISTERED.contains(local) ? local : base;
  }

  /**
   * Registers {@code handler} on {@code base} and on its loop-local variant. Call from a verticle's start (on its
   * event loop); undo with {@link #unregister}.
   */
  public static <T> Future<Void> consumer(Vertx vertx, String base, Handler<Message<T>> handler,
      List<MessageConsumer<?>> registered) {
    MessageConsumer<T> shared = vertx.eventBus().consumer(base, handler);
    registered.add(shared);
    String local = localAddress(vertx, base);
    if (local == null) {
      return shared.completion();
    }
    MessageConsumer<T> near = vertx.eventBus().localConsumer(local, handler);
    registered.add(near);
    return Future.all(shared.completion(), near.completion()).onSuccess(v -> REGISTERED.add(local)).mapEmpty();
  }

  /** Stops routing to this verticle's loop-local addresses first, so no sender picks an address being removed. */
  public static Future<Void> unregister(List<MessageConsumer<?>> registered) {
    registered.forEach(c -> REGISTERED.remove(c.address()));
    return Future.all(registered.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  private static String localAddress(Vertx vertx, String base) {
    if (!Context.isOnEventLoopThread()) {
      return null;
    }
    // Thread names repeat across Vertx instances (tests run several in one JVM): qualify by instance.
    return base + "@" + System.identityHashCode(vertx) + "/" + Thread.currentThread().getName();
  }
}
