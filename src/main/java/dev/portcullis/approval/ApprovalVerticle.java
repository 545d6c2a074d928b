package dev.portcullis.approval;

import dev.portcullis.events.SessionEvent;
import dev.portcullis.gateway.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approvals of one gateway instance, on one context (a single instance: the {@link ApprovalBook} is not shared
 * between threads). Sessions ask it over the event bus and wait for the answer; the admin API lists and decides
 * through it; the {@link ApprovalFeed} brings every instance's requests and decisions.
 *
 * <pre>
 * session ──ask──▶ book.hold ──feed.publish(approval.requested)──▶ journal | Kafka ──▶ every instance's book
 * admin API / chat-bot ──approval.decided──▶ feed ──▶ book.decided ──▶ the holder answers its session, once
 * timer (1 s) ──▶ held past expiresAt ──▶ approval.decided (expired) ──▶ session gets 42501
 * </pre>
 */
public final class ApprovalVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalVerticle.class);
  private static final long SWEEP_MS = 1_000;

  private final ApprovalFeed feed;
  private final Clock clock;
  private ApprovalBook book;
  private long sweeper;
  /** What {@link #service} lists; replaced (never changed) on this verticle's context. */
  private volatile List<ApprovalRequest> snapshot = List.of();

  ApprovalVerticle(ApprovalFeed feed, Clock clock) {
    this.feed = feed;
    this.clock = clock;
  }

  /** Without Kafka: one instance, events to the journal. */
  public static ApprovalVerticle local(dev.portcullis.events.EventPublisher events) {
    return new ApprovalVerticle(new LocalApprovalFeed(events), Clock.systemUTC());
  }

  /** With Kafka: every instance reads every request and decision. */
  public static ApprovalVerticle kafka(dev.portcullis.config.EventsConfig.Kafka kafka,
      dev.portcullis.events.EventPublisher events) {
    return new ApprovalVerticle(new KafkaApprovalFeed(kafka, events), Clock.systemUTC());
  }

  @Override
  public Future<?> start() {
    book = new ApprovalBook(clock);
    feed.start(context, r -> changed(() -> book.requested(r)), d -> changed(() -> onDecision(d)));
    var bus = vertx.eventBus();
    bus.<ApprovalRequest>consumer(Addresses.APPROVALS_ASK, m -> changed(() -> onAsk(m)));
    bus.<String>consumer(Addresses.APPROVALS_WITHDRAW, m -> changed(() -> decideHere(m.body(),
        ApprovalDecision.Outcome.WITHDRAWN,
        "the agent canceled the statement or its session ended before a decision; the statement did not run")));
    bus.<DecideRequest>consumer(Addresses.APPROVALS_DECIDE, this::onDecide);
    bus.consumer(Addresses.APPROVALS_RELEASE_ALL, m -> changed(() -> m.reply(releaseAll())));
    sweeper = vertx.setPeriodic(SWEEP_MS, t -> changed(this::sweep));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    releaseAll();
    feed.close();
    return Future.succeededFuture();
  }

  /** What the admin API of this instance decides and lists through (usable once this verticle is deployed). */
  public ApprovalService service(io.vertx.core.Vertx on) {
    return new BusApprovalService(on, () -> snapshot, clock);
  }

  private void changed(Runnable change) {
    change.run();
    snapshot = List.copyOf(book.pending());
  }

  private void onAsk(Message<ApprovalRequest> m) {
    ApprovalRequest r = m.body();
    if (r.mode() == ApprovalRequest.Mode.RETRY) {
      ApprovalDecision grant = book.takeGrant(r.requester(), r.session().target(), r.digest());
      if (grant != null) {
        m.reply(new ApprovalAnswer(grant, grant.approvalId()));
        return;
      }
      ApprovalRequest open = book.openRetry(r.requester(), r.session().target(), r.digest());
      if (open != null) {
        m.reply(new ApprovalAnswer(null, open.approvalId())); // asked again before a decision: same request
        return;
      }
      book.issueRetry(r);
      feed.publish(ApprovalEvents.requested(r));
      m.reply(new ApprovalAnswer(null, r.approvalId()));
      return;
    }
    book.hold(r, d -> m.reply(new ApprovalAnswer(d, r.approvalId())));
    feed.publish(ApprovalEvents.requested(r));
  }

  private void onDecide(Message<DecideRequest> m) {
    DecideRequest d = m.body();
    ApprovalRequest r = book.pending(d.approvalId());
    if (r == null) {
      boolean decided = book.wasDecided(d.approvalId());
      m.fail(decided ? 409 : 404, decided ? "approval " + d.approvalId() + " was already decided"
          : "no pending approval " + d.approvalId() + " (unknown, expired, or its session ended)");
      return;
    }
    String refusal = ApproverCheck.refusal(r, d.approver().subject(), d.approver().groups());
    if (refusal != null) {
      m.fail(403, refusal);
      return;
    }
    ApprovalDecision decision = new ApprovalDecision(r.approvalId(), r.digest(),
        d.approve() ? ApprovalDecision.Outcome.APPROVED : ApprovalDecision.Outcome.DENIED,
        new ApprovalDecision.Approver(d.approver().subject(), d.approver().groups(), d.via()), d.reason(),
        clock.instant());
    // Not applied here: it is applied when read back from the feed, the same way on every instance.
    feed.publish(ApprovalEvents.decided(r.session(), decision));
    m.reply(decision);
  }

  private void onDecision(ApprovalDecision d) {
    ApprovalBook.Effect effect = book.decided(d);
    switch (effect) {
      case ANSWERED, GRANTED, NOTED, ALREADY_DECIDED -> LOG.debug("approval {} {}: {}", d.approvalId(),
          d.outcome().jsonName(), effect);
      case UNKNOWN -> LOG.info("approval {}: {} for a request no gateway holds any more; ignored", d.approvalId(),
          d.outcome().jsonName());
      case INVALID -> LOG.warn("approval {}: {} by {} ignored: digest or approver does not match the request",
          d.approvalId(), d.outcome().jsonName(), d.decidedBy() == null ? "nobody" : d.decidedBy().subject());
    }
  }

  /** An outcome this instance gives itself (expiry, withdrawal): answered now, published for everyone else. */
  private void decideHere(String approvalId, ApprovalDecision.Outcome outcome, String reason) {
    if (!book.holds(approvalId)) {
      return;
    }
    ApprovalRequest r = book.heldRequest(approvalId);
    ApprovalDecision d = new ApprovalDecision(approvalId, r.digest(), outcome, null, reason, clock.instant());
    book.decided(d);
    feed.publish(ApprovalEvents.decided(r.session(), d));
  }

  private void sweep() {
    for (ApprovalRequest r : book.expire()) {
      decideHere(r.approvalId(), ApprovalDecision.Outcome.EXPIRED, "no decision within "
          + describe(java.time.Duration.between(r.requestedAt(), r.expiresAt())) + "; the statement did not run");
    }
  }

  private int releaseAll() {
    List<ApprovalRequest> held = book.heldHere();
    for (ApprovalRequest r : held) {
      decideHere(r.approvalId(), ApprovalDecision.Outcome.WITHDRAWN,
          "the gateway stopped before a decision; the statement did not run");
    }
    return held.size();
  }

  /** {@code 5m}, {@code 90s}, {@code 1h}: as a rule's timeout is written. */
  /** The verticle answers a held request at its expiry; this margin only covers a verticle that is gone. */
  private static final java.time.Duration REPLY_MARGIN = java.time.Duration.ofSeconds(30);

  /**
   * Files {@code r} with this gateway's approvals verticle (what a session of any protocol does when a review rule
   * caught it): completes with the answer, in hold mode when decided, expired or withdrawn, in retry mode at once.
   */
  public static Future<ApprovalAnswer> ask(io.vertx.core.Vertx vertx, ApprovalRequest r) {
    java.time.Duration timeout = java.time.Duration.between(r.requestedAt(), r.expiresAt());
    return vertx.eventBus().<ApprovalAnswer>request(Addresses.APPROVALS_ASK, r,
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(timeout.plus(REPLY_MARGIN).toMillis()))
        .map(Message::body);
  }

  /** Nobody waits for {@code approvalId} any more (the session or channel ended): it is withdrawn. */
  public static void withdraw(io.vertx.core.Vertx vertx, String approvalId) {
    vertx.eventBus().send(Addresses.APPROVALS_WITHDRAW, approvalId);
  }

  public static String describe(java.time.Duration d) {
    long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }
}
