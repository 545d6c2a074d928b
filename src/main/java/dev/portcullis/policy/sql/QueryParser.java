package dev.portcullis.policy.sql;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * Runs JSqlParser on neutralized text, bounded in time on a shared bounded pool (JSqlParser's own timeout blocks a
 * thread and its default creates a pool per call). A parse that fails, times out, overflows the stack or returns
 * nothing yields a reason instead of a statement: the caller fails closed.
 */
final class QueryParser {
  private static final ExecutorService SHARED = newPool(Math.max(2, Runtime.getRuntime().availableProcessors()));

  private static final String NOT_UNDERSTOOD = "statement not understood by the SQL parser: ";

  private final ExecutorService executor;
  private final long timeoutMillis;

  QueryParser(ExecutorService executor, long timeoutMillis) {
    this.executor = executor;
    this.timeoutMillis = timeoutMillis;
  }

  static QueryParser shared(long timeoutMillis) {
    return new QueryParser(SHARED, timeoutMillis);
  }

  /** The parsed statement, or a reason; exactly one is non-null. */
  record Result(Statement statement, String failure) {}

  Result parse(String text) {
    Result simple = parseOnce(text, false);
    // JSqlParser's two-pass habit: the cheap grammar first, the backtracking one only when that fails
    return simple.statement() != null || !simple.failure().startsWith(NOT_UNDERSTOOD) ? simple
        : parseOnce(text, true);
  }

  private Result parseOnce(String text, boolean complex) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(text);
    if (parser == null) {
      return new Result(null, NOT_UNDERSTOOD + "empty"); // newParser("") is null
    }
    parser.withAllowComplexParsing(complex);
    AtomicLong startedAt = new AtomicLong();
    Future<Statement> future;
    try {
      future = executor.submit(() -> {
        startedAt.set(System.nanoTime());
        try {
          return parser.Statement();
        } catch (StackOverflowError e) {
          throw new IllegalStateException("statement nested too deeply");
        }
      });
    } catch (RejectedExecutionException e) {
      return new Result(null, "SQL parser overloaded");
    }
    try {
      return new Result(await(future, startedAt), null);
    } catch (TimeoutException e) {
      parser.interrupted = true;
      future.cancel(true);
      return new Result(null, startedAt.get() == 0 ? "SQL parser overloaded (queue wait)"
          : "parse timed out after " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String msg = cause instanceof IllegalStateException ? cause.getMessage() : "syntax not understood";
      return new Result(null, NOT_UNDERSTOOD + msg);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return new Result(null, "parse interrupted");
    }
  }

  /**
   * Waits for the parse; the time limit counts from when the parse started, so a burst of cache misses queued
   * behind each other is not refused for waiting (queue wait is bounded separately, at five time limits).
   */
  private Statement await(Future<Statement> future, AtomicLong startedAt)
      throws InterruptedException, ExecutionException, TimeoutException {
    long limit = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long queueDeadline = System.nanoTime() + 5 * limit;
    while (true) {
      long started = startedAt.get();
      long deadline = started == 0 ? Math.min(queueDeadline, System.nanoTime() + limit) : started + limit;
      long wait = deadline - System.nanoTime();
      try {
        Statement st = future.get(Math.max(wait, 0), TimeUnit.NANOSECONDS);
        if (st == null || st instanceof UnsupportedStatement) {
          throw new ExecutionException(new IllegalStateException("statement not understood"));
        }
        return st;
      } catch (TimeoutException e) {
        boolean runningWithinLimit = startedAt.get() != 0 && System.nanoTime() - startedAt.get() < limit;
        boolean queuedWithinLimit = startedAt.get() == 0 && System.nanoTime() < queueDeadline;
        if (!runningWithinLimit && !queuedWithinLimit) {
          throw e;
        }
      }
    }
  }

  private static ExecutorService newPool(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(512), r -> {
          // a generous stack: the depth pre-check keeps input shallow, this is the second line of defence
          Thread t = new Thread(null, r, "portcullis-sql-parse-" + n.incrementAndGet(), 4L << 20);
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
