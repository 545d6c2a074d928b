package dev.portcullis.policy;

import java.util.List;

/**
 * The outcome of judging one statement (or a whole message). Closed set: allow, deny, review.
 *
 * <p>{@code policy} and {@code rule} name what decided; both are {@code null} when no rule matched (implicit deny).
 * {@code reason} is a human sentence that goes into the client's error message and the audit event.
 */
public sealed interface Decision {
  String policy();

  String rule();

  String reason();

  /** The statement may run. */
  record Allow(String policy, String rule, String reason) implements Decision {}

  /** The statement must not run; the client gets SQLSTATE 42501 with {@link #clientMessage()}. */
  record Deny(String policy, String rule, String reason) implements Decision {}

  /** The statement needs a human's approval, on the deciding rule's {@code terms}. */
  record Review(String policy, String rule, String reason, List<String> approverGroups, Policy.ApprovalTerms terms)
      implements Decision {
    public Review {
      approverGroups = List.copyOf(approverGroups);
      terms = terms == null ? Policy.ApprovalTerms.DEFAULT : terms;
    }

    public Review(String policy, String rule, String reason, List<String> approverGroups) {
      this(policy, rule, reason, approverGroups, Policy.ApprovalTerms.DEFAULT);
    }
  }

  default boolean allowed() {
    return this instanceof Allow;
  }

  /** The text PostgreSQL clients see in the ErrorResponse (design-notes §3). */
  default String clientMessage() {
    if (rule() == null) {
      return "portcullis: " + reason();
    }
    String verb = this instanceof Review ? "approval required by rule '" : "denied by rule '";
    return "portcullis: " + verb + rule() + "' of policy '" + policy() + "': " + reason();
  }
}
