package dev.portcullis.policy;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-bus adapter of {@link PolicyEngine}: {@link Addresses#POLICY_JUDGE} ({@link JudgeRequest} →
 * {@link Judgement}), {@link Addresses#POLICY_ADMIT} ({@link AdmitRequest} → {@link Admission}) and
 * {@link Addresses#POLICY_JUDGE_SSH} ({@link SshRequest} → {@link SshJudgement}). Fails closed:
 * any internal failure replies a deny / a refusal, so no request is left hanging or let through.
 */
public final class PolicyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyVerticle.class);

  private final PolicyEngine engine;
  private final PolicyDirectoryWatcher watcher;

  private final java.util.List<io.vertx.core.eventbus.MessageConsumer<?>> consumers = new java.util.ArrayList<>();

  public PolicyVerticle(PolicyEngine engine) {
    this(engine, null);
  }

  /** @param watcher started with the verticle and closed with it (hot reload); may be {@code null} */
  public PolicyVerticle(PolicyEngine engine, PolicyDirectoryWatcher watcher) {
    this.engine = engine;
    this.watcher = watcher;
  }

  @Override
  public Future<?> start() {
    if (watcher != null) {
      watcher.start(PolicyDirectoryWatcher.DEFAULT_INTERVAL_MILLIS);
    }
    // Loop-local too, so a cached decision is answered without waking another thread (see LoopAffinity).
    return Future.all(
        LoopAffinity.<JudgeRequest>consumer(vertx, Addresses.POLICY_JUDGE, this::judge, consumers),
        LoopAffinity.<AdmitRequest>consumer(vertx, Addresses.POLICY_ADMIT, this::admit, consumers),
        LoopAffinity.<SshRequest>consumer(vertx, Addresses.POLICY_JUDGE_SSH, this::judgeSsh, consumers));
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) {
      watcher.close();
    }
    return LoopAffinity.unregister(consumers);
  }

  private void judge(Message<JudgeRequest> message) {
    Future<Judgement> answer;
    try {
      answer = Future.fromCompletionStage(engine.judge(message.body()), context);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(result -> {
      if (result.succeeded() && result.result() != null) {
        message.reply(result.result());
      } else {
        LOG.error("judging failed, denying: {}", String.valueOf(result.cause()));
        message.reply(PolicyEngine.refuse("internal error while judging the statement"));
      }
    });
  }

  /** Judged right here: cheap and bounded (see {@link PolicyEngine#judgeSsh}), nothing blocks. */
  private void judgeSsh(Message<SshRequest> message) {
    SshJudgement judgement;
    try {
      judgement = engine.judgeSsh(message.body());
    } catch (RuntimeException e) {
      LOG.error("judging an SSH request failed, denying: {}", e.toString());
      judgement = SshJudgement.refuse("internal error while judging the request");
    }
    message.reply(judgement);
  }

  private void admit(Message<AdmitRequest> message) {
    Admission admission;
    try {
      admission = engine.admit(message.body());
    } catch (RuntimeException e) {
      LOG.error("admission failed, refusing: {}", e.toString());
      admission = new Admission(false, java.util.List.of(), "internal error while checking policies");
    }
    message.reply(admission);
  }
}
