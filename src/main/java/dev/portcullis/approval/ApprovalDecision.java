package dev.portcullis.approval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link ApprovalRequest}: the detail of {@code approval.decided}. Published by whoever decided
 * (the chat-bot, the admin API) or by the holding gateway itself when the request expired or was withdrawn.
 *
 * @param digest    must equal the request's digest, or the decision is ignored (it approved something else)
 * @param decidedBy who decided; {@code null} for {@link Outcome#EXPIRED} and {@link Outcome#WITHDRAWN}
 * @param reason    the approver's words (or why it expired / was withdrawn), may be null
 */
public record ApprovalDecision(String approvalId, String digest, Outcome outcome, Approver decidedBy, String reason,
    Instant decidedAt) {

  public enum Outcome {
    /** An approver allowed it: the holder runs it once. */
    APPROVED,
    /** An approver refused it: 42501 naming the approver and reason. */
    DENIED,
    /** Nobody answered in time. */
    EXPIRED,
    /** The holding session ended (client gone, gateway stopping) before a decision: nothing ran. */
    WITHDRAWN;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Outcome fromJson(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** Approved or denied by a person, as opposed to ended by the gateway. */
    public boolean byPerson() {
      return this == APPROVED || this == DENIED;
    }
  }

  /**
   * A person who decided.
   *
   * @param via how: {@code chat}, {@code api} (the admin HTTP API, also used by the CLI)
   */
  public record Approver(String subject, List<String> groups, String via) {
    public Approver {
      Objects.requireNonNull(subject, "subject");
      groups = List.copyOf(groups);
      Objects.requireNonNull(via, "via");
    }
  }

  public ApprovalDecision {
    Objects.requireNonNull(approvalId, "approvalId");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(decidedAt, "decidedAt");
    if (outcome.byPerson() && decidedBy == null) {
      throw new IllegalArgumentException(outcome.jsonName() + " needs the approver who decided");
    }
  }
}
