package dev.portcullis.audit;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition with a deadline, for facts that have no event to wait on (a row count, committed offsets). */
public final class Await {
  private Await() {}

  public interface Check {
    boolean holds() throws Exception;
  }

  public static void until(Duration timeout, Check check, Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + ": " + what.get());
      }
      Thread.sleep(50);
    }
  }
}
