package dev.portcullis.events;

/** Event type names (the {@code type} field). */
public final class EventType {
  public static final String SESSION_STARTED = "session.started";
  public static final String SESSION_ENDED = "session.ended";
  public static final String STATEMENT_DECIDED = "statement.decided";
  public static final String STATEMENT_COMPLETED = "statement.completed";
  public static final String APPROVAL_REQUESTED = "approval.requested";
  public static final String APPROVAL_DECIDED = "approval.decided";
  public static final String IO_FRAME = "io.frame";

  private EventType() {}
}
