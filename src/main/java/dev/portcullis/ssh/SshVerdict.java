package dev.portcullis.ssh;

import dev.portcullis.policy.Decision;

/**
 * The policy's answer for one {@link SshChannelRequest}, with the rule that decided when a policy file did (for
 * {@code statement.decided}); {@code policy} and {@code rule} are {@code null} for the gateway's own refusals.
 */
public sealed interface SshVerdict {
  SshVerdict ALLOW = new Allow(null, null, null);

  record Allow(String policy, String rule, String reason) implements SshVerdict {}

  /** @param reason shown to the agent and published in {@code statement.decided} */
  record Deny(String reason, String policy, String rule) implements SshVerdict {
    public Deny(String reason) {
      this(reason, null, null);
    }
  }

  /**
   * A review rule matched: the channel waits for a person's approval ({@link SshApprovals}); in retry mode it is
   * refused with the approval id and may run once after approval.
   */
  record Review(Decision.Review review) implements SshVerdict {}

  static SshVerdict deny(String reason) {
    return new Deny(reason);
  }

  /** As the policy engine's closed set, for the audit event. */
  default Decision decision() {
    if (this instanceof Allow a) {
      return new Decision.Allow(a.policy(), a.rule(), a.reason() == null ? "allowed" : a.reason());
    }
    if (this instanceof Review r) {
      return r.review();
    }
    Deny d = (Deny) this;
    return new Decision.Deny(d.policy(), d.rule(), d.reason());
  }
}
