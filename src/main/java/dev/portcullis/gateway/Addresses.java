package dev.portcullis.gateway;

/** Event-bus addresses shared by the verticles. Per-session addresses are derived from the session id. */
public final class Addresses {
  /** Request/reply: {@code JudgeRequest} → {@code Judgement}. */
  public static final String POLICY_JUDGE = "portcullis.policy.judge";
  /** Send, no reply: {@code SessionEvent}. */
  public static final String EVENTS_PUBLISH = "portcullis.events.publish";

  private Addresses() {}
}
