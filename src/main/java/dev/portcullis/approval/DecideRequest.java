package dev.portcullis.approval;

import dev.portcullis.identity.Identity;

/** Over the event bus: an approver (validated admin token) decides a pending request. */
public record DecideRequest(String approvalId, Identity approver, boolean approve, String reason, String via) {}
