package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApproverCheck;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a verified Approve/Deny click into {@code approval.decided}, or into a note to the person who clicked saying
 * why not. Succeeds when the callback may be answered 200 (also for refusals and repeated clicks: Slack must not
 * retry them); fails only when a decision could not be published, so that the person sees the click fail.
 */
final class ClickDecider {
  private static final Logger log = LoggerFactory.getLogger(ClickDecider.class);

  private final ApprovalBoard board;
  private final ChatPoster poster;
  private final DecisionPublisher publisher;
  private final Map<String, ChatApprover> approvers;
  private final Clock clock;

  ClickDecider(ApprovalBoard board, ChatPoster poster, DecisionPublisher publisher,
      Map<String, ChatApprover> approvers, Clock clock) {
    this.board = board;
    this.poster = poster;
    this.publisher = publisher;
    this.approvers = Map.copyOf(approvers);
    this.clock = clock;
  }

  Future<Void> decide(Interaction click) {
    ApprovalBoard.Entry e = board.get(click.approvalId());
    if (e == null || e.request == null) {
      log.info("chat user {} clicked {} on unknown approval {}", click.userId(), click.action(), click.approvalId());
      return refuse(click, "I do not know approval `" + click.approvalId() + "`: it ended long ago, or I have just"
          + " started and not read it yet. `portcullis approvals list` shows what is pending.");
    }
    if (e.message == null && click.channel() != null && click.messageTs() != null) {
      e.message = new PostedMessage(click.channel(), click.messageTs()); // posted by another instance
    }
    ApprovalRequest r = e.request;
    if (e.settled()) {
      // A repeated or replayed click, or one on a message that does not show its outcome yet: publish nothing.
      log.info("chat user {} clicked {} on approval {}, already decided: nothing published", click.userId(),
          click.action(), r.approvalId());
      if (e.outcome() != null) {
        poster.show(e, e.outcome());
      }
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    if (!now.isBefore(r.expiresAt())) {
      log.info("chat user {} clicked {} on approval {} after it expired", click.userId(), click.action(),
          r.approvalId());
      return refuse(click, "Approval `" + r.approvalId() + "` expired at " + r.expiresAt() + "; nothing was run.");
    }
    ChatApprover who = approvers.get(click.userId());
    if (who == null) {
      log.warn("chat user {} is not a configured approver; refused {} of approval {}", click.userId(),
          click.action(), r.approvalId());
      return refuse(click, "You are not a configured approver (chat user " + click.userId() + " is not in the"
          + " approver-bot's `chat.approvers`), so your click was not recorded.");
    }
    String refusal = ApproverCheck.refusal(r, who.subject(), who.groups());
    if (refusal != null) {
      log.warn("chat user {} ({}) refused for approval {}: {}", click.userId(), who.subject(), r.approvalId(),
          refusal);
      return refuse(click, "Not recorded: " + refusal + ".");
    }
    ApprovalDecision.Outcome outcome = click.approves() ? ApprovalDecision.Outcome.APPROVED
        : ApprovalDecision.Outcome.DENIED;
    ApprovalDecision decision = new ApprovalDecision(r.approvalId(), r.digest(), outcome,
        new ApprovalDecision.Approver(who.subject(), who.groups(), "chat"),
        (click.approves() ? "approved" : "denied") + " in chat", now.truncatedTo(ChronoUnit.MICROS));
    e.deciding = true;
    return publisher.publish(r, decision)
        .onSuccess(v -> {
          e.deciding = false;
          e.published = decision;
          log.info("approval {} {} by {} (chat user {})", r.approvalId(), outcome.jsonName(), who.subject(),
              click.userId());
          poster.show(e, e.outcome());
        })
        .onFailure(err -> {
          e.deciding = false;
          log.error("approval {}: could not publish the {} of {}: {}", r.approvalId(), outcome.jsonName(),
              who.subject(), err.getMessage());
          poster.tell(click.channel(), click.userId(), "Your " + click.action() + " of `" + r.approvalId()
              + "` could not be recorded (the event store is unavailable). Please click again.");
        });
  }

  private Future<Void> refuse(Interaction click, String text) {
    poster.tell(click.channel(), click.userId(), text);
    return Future.succeededFuture();
  }
}
