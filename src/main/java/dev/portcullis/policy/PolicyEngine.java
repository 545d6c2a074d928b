package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import dev.portcullis.policy.sql.LexedStatement;
import dev.portcullis.policy.sql.SqlAnalyzer;
import dev.portcullis.policy.sql.SqlLexException;
import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Judges statements and admits sessions against the policies in force. A plain class (the verticle adapts it to
 * the event bus): {@link SqlAnalyzer#split} runs on the caller's thread, cache hits answer synchronously, misses
 * run {@link SqlAnalyzer#analyze} on the injected bounded executor; a full queue answers "gateway busy" (deny).
 */
public final class PolicyEngine {
  public static final int DEFAULT_CACHE_SIZE = 10_000;

  private final SqlAnalyzer analyzer;
  private final Executor worker;
  private final DecisionCache cache;
  private volatile PolicySet current;

  public PolicyEngine(SqlAnalyzer analyzer, Executor worker, int cacheSize, List<Policy> initial) {
    this.analyzer = analyzer;
    this.worker = worker;
    this.cache = new DecisionCache(cacheSize);
    this.current = new PolicySet(1, initial);
  }

  /** A pool whose queue is bounded, so overload is refused quickly instead of piling up statements. */
  public static ThreadPoolExecutor boundedExecutor(int threads, int queueSize) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueSize),
        r -> {
          Thread t = new Thread(r, "portcullis-policy-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Installs a new policy set with the next version (so no cached decision of the old set is served again). */
  public synchronized PolicySet install(List<Policy> policies) {
    PolicySet next = new PolicySet(current.version() + 1, policies);
    current = next;
    cache.clear();
    return next;
  }

  public PolicySet policies() {
    return current;
  }

  public DecisionCache cache() {
    return cache;
  }

  public Admission admit(AdmitRequest request) {
    List<Policy> applicable = current.applicable(request.identity(), request.target());
    if (applicable.isEmpty()) {
      return new Admission(false, List.of(), noPolicy(request.identity(), request.target()));
    }
    return new Admission(true, names(applicable), null);
  }

  static String noPolicy(Identity identity, String target) {
    String groups = identity.groups().isEmpty() ? "no groups" : "groups: " + String.join(", ", identity.groups());
    return "no policy grants subject '" + identity.subject() + "' (" + groups + ") access to target '" + target
        + "'";
  }

  /** Never completes exceptionally: every failure becomes a deny. */
  public CompletionStage<Judgement> judge(JudgeRequest request) {
    try {
      return judgeChecked(request).exceptionally(e -> refuse(rootCause(e) instanceof RejectedExecutionException
          ? "gateway busy, try again" : "internal error while judging the statement"));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(refuse("internal error while judging the statement"));
    }
  }

  private CompletableFuture<Judgement> judgeChecked(JudgeRequest request) {
    PolicySet set = current;
    List<Policy> applicable = set.applicable(request.identity(), request.target());
    if (applicable.isEmpty()) {
      return CompletableFuture.completedFuture(refuse(noPolicy(request.identity(), request.target())));
    }
    List<LexedStatement> statements;
    try {
      statements = analyzer.split(request.sql());
    } catch (SqlLexException e) {
      return CompletableFuture.completedFuture(refuse(e.getMessage()));
    }
    if (statements.isEmpty()) {
      return CompletableFuture.completedFuture(
          new Judgement(List.of(), new Decision.Allow(null, null, "empty query")));
    }
    Scope scope = new Scope(set.version(), applicable, names(applicable), request.target());
    return entries(scope, statements)
        .thenCompose(entries -> new ExecuteResolution(this, scope, request, statements, entries).judgement());
  }

  /** The cached or freshly analysed entry of each statement; completes synchronously when all are cached. */
  CompletableFuture<List<DecisionCache.Entry>> entries(Scope scope, List<LexedStatement> statements) {
    DecisionCache.Entry[] found = new DecisionCache.Entry[statements.size()];
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < found.length; i++) {
      found[i] = cache.get(scope.key(statements.get(i)));
      if (found[i] == null) {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(List.of(found));
    }
    CompletableFuture<List<DecisionCache.Entry>> result = new CompletableFuture<>();
    try {
      worker.execute(() -> {
        try {
          for (int i : missing) {
            found[i] = analyzeAndDecide(scope, statements.get(i));
          }
          result.complete(List.of(found));
        } catch (Throwable e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  private DecisionCache.Entry analyzeAndDecide(Scope scope, LexedStatement statement) {
    StatementAnalysis analysis;
    try {
      analysis = analyzer.analyze(statement);
    } catch (RuntimeException | StackOverflowError e) {
      analysis = StatementAnalysis.unsupported("analyzer failed: " + e.getClass().getSimpleName());
    }
    // EXECUTE's decision belongs to the prepared text, which differs per session: never cached (design-notes §5)
    Decision decision = analysis.executeName() != null ? null : PolicyEvaluator.decide(scope.policies(), analysis);
    DecisionCache.Entry entry = new DecisionCache.Entry(analysis, decision);
    cache.put(scope.key(statement), entry);
    return entry;
  }

  List<LexedStatement> analyzerSplit(String sql) {
    return analyzer.split(sql);
  }

  /**
   * Judges one SSH request (design-notes §2–3). Synchronous and cheap — no analysis pool, no cache: splitting a
   * command line is linear and bounded — so it answers on the caller's thread. Never throws: every failure is a
   * deny.
   */
  public SshJudgement judgeSsh(SshRequest request) {
    try {
      List<Policy> applicable = current.applicable(request.identity(), request.target());
      if (applicable.isEmpty()) {
        return SshJudgement.refuse(noPolicy(request.identity(), request.target()));
      }
      return SshPolicyEvaluator.decide(applicable, request.action(), request.detail());
    } catch (RuntimeException | StackOverflowError e) {
      return SshJudgement.refuse("internal error while judging the request");
    }
  }

  static Judgement refuse(String reason) {
    return new Judgement(List.of(), new Decision.Deny(null, null, reason));
  }

  private static Throwable rootCause(Throwable e) {
    while (e.getCause() != null && e.getCause() != e) {
      e = e.getCause();
    }
    return e;
  }

  private static List<String> names(List<Policy> policies) {
    List<String> out = new ArrayList<>(policies.size());
    for (Policy p : policies) {
      out.add(p.name());
    }
    return out;
  }

  /** What one judgement is evaluated under. */
  record Scope(long version, List<Policy> policies, List<String> policyNames, String target) {
    DecisionCache.Key key(LexedStatement statement) {
      return new DecisionCache.Key(version, policyNames, target, statement.fingerprint());
    }

    /** The masking entries of these policies, in load order (the shared empty list when none has any). */
    List<Policy.Masking> masking() {
      List<Policy.Masking> out = List.of();
      for (Policy p : policies) {
        if (!p.masking().isEmpty()) {
          if (out.isEmpty()) {
            out = new ArrayList<>();
          }
          out.addAll(p.masking());
        }
      }
      return out;
    }

    boolean redactLiterals() {
      for (Policy p : policies) {
        if (p.redactLiterals()) {
          return true;
        }
      }
      return false;
    }
  }
}
