package dev.portcullis.approval;

/** A decision that cannot be made; {@link #kind} maps to the HTTP status the admin API answers with. */
public final class ApprovalRefusedException extends RuntimeException {
  public enum Kind {
    /** No such pending request (never seen, or already decided / expired): 404 or 409. */
    NOT_FOUND,
    ALREADY_DECIDED,
    /** The approver may not decide it: 403. */
    FORBIDDEN
  }

  private final Kind kind;

  public ApprovalRefusedException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
