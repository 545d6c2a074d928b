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
    return simple.statement() != null || simple.failure().startsWith("parse timed out") ? simple
        : parseOnce(text, true);
  }

  private Result parseOnce(String text, boolean complex) {
    CCJSqlParser parser = CCJSqlParserUtil.newParser(text).withAllowComplexParsing(complex);
    Future<Statement> future;
    try {
      future = executor.submit(() -> {
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
      Statement st = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (st == null || st instanceof UnsupportedStatement) {
        return new Result(null, "statement not understood by the SQL parser");
      }
      return new Result(st, null);
    } catch (TimeoutException e) {
      parser.interrupted = true;
      future.cancel(true);
      return new Result(null, "parse timed out after " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String msg = cause instanceof IllegalStateException ? cause.getMessage() : "syntax not understood";
      return new Result(null, "statement not understood by the SQL parser: " + msg);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return new Result(null, "parse interrupted");
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
