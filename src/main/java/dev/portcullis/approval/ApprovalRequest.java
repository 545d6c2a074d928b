package dev.portcullis.approval;

import dev.portcullis.events.SessionInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One statement held (or, in retry mode, refused) until a person approves it: the detail of
 * {@code approval.requested}. What an approver is shown is exactly what runs: {@link #text} and {@link #parameters},
 * bound together by {@link #digest}.
 *
 * @param approvalId     unique id (a time-ordered UUID); decisions name it
 * @param session        the requesting session (the envelope: its identity is the requester)
 * @param statementId    {@code <sessionId>/<n>}, as in {@code statement.decided}
 * @param text           the statement text as received
 * @param fingerprint    the text with literals replaced
 * @param parameters     the Bind values of an extended-protocol Execute, text or {@code \x}-hex for binary, null
 *                       for SQL NULL; empty for a simple Query
 * @param digest         {@code sha256:<hex>} of text and parameters: a decision must carry the same digest
 * @param approverGroups who may approve: a decider needs one of these groups (and is never the requester)
 * @param mode           {@code hold}: the agent's connection waits; {@code retry}: refused at once, the same
 *                       identity may run the same digest once after approval within {@code grantTtlSeconds}
 */
public record ApprovalRequest(
    String approvalId,
    SessionInfo session,
    String statementId,
    String text,
    String fingerprint,
    List<String> parameters,
    String digest,
    List<String> kinds,
    List<String> tables,
    String policy,
    String rule,
    String reason,
    List<String> approverGroups,
    Instant requestedAt,
    Instant expiresAt,
    Mode mode,
    long grantTtlSeconds) {

  public enum Mode {
    HOLD, RETRY;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public ApprovalRequest {
    Objects.requireNonNull(approvalId, "approvalId");
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(digest, "digest");
    parameters = parameters == null ? List.of()
        : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(parameters)); // nulls allowed
    kinds = List.copyOf(kinds);
    tables = List.copyOf(tables);
    approverGroups = List.copyOf(approverGroups);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(mode, "mode");
  }

  /** The requester's subject (the agent's identity). */
  public String requester() {
    return session.identity().subject();
  }
}
