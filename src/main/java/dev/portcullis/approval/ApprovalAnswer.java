package dev.portcullis.approval;

/**
 * The reply to a session's approval request over the event bus.
 *
 * @param decision   the decision (hold mode: when it came; retry mode: the earlier approval a grant came from), or
 *                   {@code null} in retry mode when the request was just filed and the agent must try again later
 * @param approvalId the request the decision answers, or the one filed
 */
public record ApprovalAnswer(ApprovalDecision decision, String approvalId) {}
