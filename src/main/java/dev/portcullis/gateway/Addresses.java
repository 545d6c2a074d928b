package dev.portcullis.gateway;

/** Event-bus addresses shared by the verticles. Per-session addresses are derived from the session id. */
public final class Addresses {
  /** Request/reply: {@code JudgeRequest} → {@code Judgement}. */
  public static final String POLICY_JUDGE = "portcullis.policy.judge";
  /** Request/reply: {@code SshRequest} → {@code SshJudgement} (SSH exec, shell, subsystem, forwards). */
  public static final String POLICY_JUDGE_SSH = "portcullis.policy.judge-ssh";
  /** Request/reply: {@code AdmitRequest} → {@code Admission}. */
  public static final String POLICY_ADMIT = "portcullis.policy.admit";
  /** Send, no reply: {@code SessionEvent}. */
  public static final String EVENTS_PUBLISH = "portcullis.events.publish";
  /** Request/reply: {@code UpstreamOpen} → {@code UpstreamOpened}. */
  public static final String FORWARD_PG_OPEN = "portcullis.forward.pg.open";
  /** Send: {@code UpstreamCancel}. */
  public static final String FORWARD_PG_CANCEL = "portcullis.forward.pg.cancel";
  /** Request/reply: {@code CatalogLookup} → {@code CatalogOrigins}. */
  public static final String FORWARD_PG_CATALOG = "portcullis.forward.pg.catalog";
  /** Publish: the target name whose column catalog is stale (DDL ran on it). */
  public static final String FORWARD_PG_CATALOG_INVALIDATE = "portcullis.forward.pg.catalog.invalidate";
  /** Request/reply: {@code ApprovalRequest} → {@code ApprovalAnswer} (hold mode: when decided). */
  public static final String APPROVALS_ASK = "portcullis.approvals.ask";
  /** Send: the approval id of a held statement whose session ended. */
  public static final String APPROVALS_WITHDRAW = "portcullis.approvals.withdraw";
  /** Request/reply: {@code DecideRequest} → {@code ApprovalDecision}, or a failure whose code is an HTTP status. */
  public static final String APPROVALS_DECIDE = "portcullis.approvals.decide";
  /** Request/reply: anything → the number of held statements answered {@code withdrawn} (gateway stopping). */
  public static final String APPROVALS_RELEASE_ALL = "portcullis.approvals.release-all";
  /** Name of the codec that hands a {@code Buffer} over without copying (use it in DeliveryOptions). */
  public static final String BUFFER_CODEC = "portcullis-local-buffer";

  private Addresses() {}
}
