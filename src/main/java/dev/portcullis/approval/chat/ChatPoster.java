package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the channel in step with the board: posts each request once, and replaces the buttons with the outcome as
 * soon as one is known, whoever decided. Runs on the bot's event-loop context.
 */
final class ChatPoster {
  private static final Logger log = LoggerFactory.getLogger(ChatPoster.class);
  /** Updates and replies are worth retrying for a while, not forever: the decision itself is already safe. */
  private static final Duration UPDATE_DEADLINE = Duration.ofMinutes(2);

  private final ChatApi api;
  private final ApprovalBoard board;
  private final Retry retry;
  private final String channel;
  private final Clock clock;
  private final BooleanSupplier stopping;

  ChatPoster(ChatApi api, ApprovalBoard board, Retry retry, String channel, Clock clock, BooleanSupplier stopping) {
    this.api = api;
    this.board = board;
    this.retry = retry;
    this.channel = channel;
    this.clock = clock;
    this.stopping = stopping;
  }

  ApprovalBoard board() {
    return board;
  }

  /**
   * Posts the request unless it is already posted, decided or expired. Succeeds once that is so (so its offset may
   * be committed); fails only when the bot stops before, so that the request is read again after a restart.
   */
  Future<Void> post(ApprovalRequest r) {
    Instant now = clock.instant();
    if (!now.isBefore(r.expiresAt())) {
      return Future.succeededFuture();
    }
    ApprovalBoard.Entry e = board.request(r, now);
    if (e.message != null || e.outcome() != null) {
      return Future.succeededFuture();
    }
    if (e.posting != null) {
      return e.posting;
    }
    String what = "posting approval " + r.approvalId();
    e.posting = retry.until(r.expiresAt(), what, true,
        () -> api.postMessage(ApprovalMessage.pending(r, channel)))
        .<Void>map(posted -> {
          e.message = posted;
          log.info("posted approval {} ({} on {}, rule {}) to {} as {}", r.approvalId(), r.requester(),
              r.session().target(), r.rule(), posted.channel(), posted.ts());
          ApprovalDecision d = e.outcome();
          if (d != null) {
            show(e, d); // decided while the post was on its way
          }
          return null;
        })
        .recover(err -> {
          e.posting = null;
          if (stopping.getAsBoolean()) {
            return Future.failedFuture(err);
          }
          log.warn("approval {} was never posted: {} (it expires at {}; nothing more to do)", r.approvalId(),
              err.getMessage(), r.expiresAt());
          return Future.succeededFuture();
        });
    return e.posting;
  }

  /** A request read from the topic by any instance: remembered so that clicks on any message can be checked. */
  void requestRead(ApprovalRequest r) {
    ApprovalBoard.Entry e = board.request(r, clock.instant());
    if (e.decision != null) {
      show(e, e.decision);
    }
  }

  /** A decision read from the topic (from this bot, another instance, the admin API or the gateway). */
  void decisionRead(ApprovalDecision d) {
    if (!board.decision(d, clock.instant())) {
      return; // a later decision: the gateway acts on the first one only
    }
    show(board.get(d.approvalId()), d);
  }

  /** Shows {@code d} in place of the buttons unless the message already shows that outcome. */
  void show(ApprovalBoard.Entry e, ApprovalDecision d) {
    if (e.message == null || e.request == null || sameOutcome(e.shown, d)) {
      return;
    }
    e.shown = d;
    PostedMessage m = e.message;
    retry.until(clock.instant().plus(UPDATE_DEADLINE), "updating approval " + e.approvalId, false,
            () -> api.update(ApprovalMessage.decided(e.request, d, m.channel(), m.ts())))
        .onSuccess(v -> log.info("approval {} shows {}", e.approvalId, d.outcome().jsonName()))
        .onFailure(err -> {
          if (e.shown == d) {
            e.shown = null; // a later click or decision tries again
          }
          log.warn("approval {}: could not update the message to {}: {}", e.approvalId, d.outcome().jsonName(),
              err.getMessage());
        });
  }

  /** A note only {@code user} sees, below the message they clicked. */
  Future<Void> tell(String inChannel, String user, String text) {
    String where = inChannel != null ? inChannel : channel;
    return retry.until(clock.instant().plus(UPDATE_DEADLINE), "replying to " + user, false,
            () -> api.postEphemeral(where, user, text))
        .onFailure(err -> log.warn("could not reply to chat user {}: {}", user, err.getMessage()));
  }

  private static boolean sameOutcome(ApprovalDecision shown, ApprovalDecision d) {
    if (shown == null) {
      return false;
    }
    String a = shown.decidedBy() == null ? null : shown.decidedBy().subject();
    String b = d.decidedBy() == null ? null : d.decidedBy().subject();
    return shown.outcome() == d.outcome() && Objects.equals(a, b);
  }
}
