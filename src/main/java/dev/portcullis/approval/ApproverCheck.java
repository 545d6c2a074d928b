package dev.portcullis.approval;

import java.util.List;

/**
 * Who may decide a request: someone with one of its approver groups who is not the requester. Checked by every
 * party that accepts a decision — the admin API, the chat-bot, and again by the holding gateway — so that one
 * compromised path cannot make an agent approve itself.
 */
public final class ApproverCheck {
  private ApproverCheck() {}

  /** {@code null} when {@code subject} with {@code groups} may decide {@code request}, else why not. */
  public static String refusal(ApprovalRequest request, String subject, List<String> groups) {
    if (subject == null || subject.isEmpty()) {
      return "no approver identity";
    }
    if (subject.equals(request.requester())) {
      return "'" + subject + "' requested this statement and cannot approve it";
    }
    if (request.approverGroups().isEmpty()) {
      return "rule '" + request.rule() + "' names no approver groups, so nobody can approve it";
    }
    for (String g : groups) {
      if (request.approverGroups().contains(g)) {
        return null;
      }
    }
    return "'" + subject + "' is not in an approver group of rule '" + request.rule() + "' ("
        + String.join(", ", request.approverGroups()) + ")";
  }
}
