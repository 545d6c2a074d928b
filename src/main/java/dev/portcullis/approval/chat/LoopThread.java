package dev.portcullis.approval.chat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread of its own for a blocking Kafka loop (kafka-clients blocks; an event loop must not), with a stop signal
 * and the reason it ended, so that the CLI can exit non-zero when a consumer dies.
 */
final class LoopThread {
  private static final Logger log = LoggerFactory.getLogger(LoopThread.class);

  interface Body {
    void run(LoopThread self) throws Exception;
  }

  private final String name;
  private final Body body;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable failure;
  private Thread thread;

  LoopThread(String name, Body body) {
    this.name = name;
    this.body = body;
  }

  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException(name + " already started");
    }
    thread = new Thread(() -> {
      try {
        body.run(this);
      } catch (Throwable e) {
        if (!stopping()) {
          failure = e;
          log.error("{} stopped by an error: {}", name, e.toString());
        }
      } finally {
        stopped.countDown();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  boolean stopping() {
    return stopSignal.getCount() == 0;
  }

  /** Waits up to {@code wait}, returning early when asked to stop. */
  void pause(Duration wait) throws InterruptedException {
    stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(Duration wait) throws InterruptedException {
    stopSignal.countDown();
    stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean awaitStopped(Duration wait) throws InterruptedException {
    return stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  Throwable failure() {
    return failure;
  }

  String name() {
    return name;
  }
}
