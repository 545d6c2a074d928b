package dev.portcullis.pg;

import dev.portcullis.forward.UpstreamFailure;
import dev.portcullis.identity.TokenRejectedException;
import dev.portcullis.pg.codec.ErrorResponse;
import dev.portcullis.pg.codec.PgProtocolException;
import dev.portcullis.policy.Decision;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one place that decides what a client is told when the gateway refuses or ends something: every SQLSTATE and
 * message text of the PostgreSQL termination lives here.
 */
final class ErrorReplies {
  static final String INSUFFICIENT_PRIVILEGE = "42501";
  static final String INVALID_AUTHORIZATION = "28000";
  static final String INVALID_PASSWORD = "28P01";
  static final String CANNOT_CONNECT_NOW = "57P03";

  private ErrorReplies() {}

  // --- session-ending refusals (FATAL, then close) -------------------------------------------------------------

  static SessionRefusedException tlsRequired() {
    return new SessionRefusedException(INVALID_AUTHORIZATION,
        "portcullis: TLS is required to send a token; connect with sslmode=require (or verify-full)");
  }

  static SessionRefusedException notAdmitted(String reason) {
    return new SessionRefusedException(INVALID_AUTHORIZATION, "portcullis: " + reason);
  }

  static SessionRefusedException missingStartupParameter(String name) {
    return new SessionRefusedException(PgProtocolException.PROTOCOL_VIOLATION,
        "portcullis: the startup packet must name a " + name
            + ("database".equals(name) ? " (the target name)" : ""));
  }

  static SessionRefusedException parameterNotAllowed(String name) {
    return new SessionRefusedException(INSUFFICIENT_PRIVILEGE,
        "portcullis: startup parameter \"" + name + "\" is not allowed through the gateway"
            + " (it could change role, search_path or the session mode before statements are judged)");
  }

  static SessionRefusedException encodingNotAllowed(String value) {
    return new SessionRefusedException(PgProtocolException.FEATURE_NOT_SUPPORTED,
        "portcullis: client_encoding \"" + value + "\" is not supported; the gateway requires UTF8");
  }

  static SessionRefusedException unsupportedProtocol(int major, int minor) {
    return new SessionRefusedException(PgProtocolException.FEATURE_NOT_SUPPORTED,
        "unsupported frontend protocol " + major + "." + minor + ": the gateway supports 3.0");
  }

  static SessionRefusedException unexpectedRequest(String what) {
    return new SessionRefusedException(PgProtocolException.PROTOCOL_VIOLATION, "portcullis: unexpected " + what);
  }

  static SessionRefusedException plaintextAfterSslRequest() {
    return new SessionRefusedException(PgProtocolException.PROTOCOL_VIOLATION,
        "received unencrypted data after SSL request");
  }

  static SessionRefusedException startupTimeout() {
    return new SessionRefusedException(PgProtocolException.PROTOCOL_VIOLATION,
        "portcullis: startup, TLS and authentication did not finish in time");
  }

  static SessionRefusedException tooManyConnections() {
    return new SessionRefusedException("53300", "portcullis: too many connections to the gateway");
  }

  /** 57P03 cannot_connect_now: what PostgreSQL says while it cannot take sessions, so clients may retry later. */
  static SessionRefusedException auditUndeliverable() {
    return new SessionRefusedException(CANNOT_CONNECT_NOW, "portcullis: audit events cannot be delivered (Kafka "
        + "unreachable or the event spool full); new sessions are refused until delivery recovers");
  }

  static SessionRefusedException tokenExpired() {
    return new SessionRefusedException(INVALID_PASSWORD, "portcullis: token expired");
  }

  static SessionRefusedException backendParameterChanged(String name, String value) {
    return new SessionRefusedException(INSUFFICIENT_PRIVILEGE,
        "portcullis: the server changed " + name + " to \"" + value + "\"; the session is closed");
  }

  /**
   * A result that must be masked could not be (the column catalog did not answer, or a row did not match its
   * description): nothing of it may reach the client unmasked, so the session ends. 58000: system error.
   */
  static SessionRefusedException maskingUnavailable(String why) {
    return new SessionRefusedException("58000", "portcullis: a result could not be masked (" + why
        + "); the session is closed so that no unmasked value reaches the client");
  }

  /** Maps any failure of the startup or a session to the FATAL ErrorResponse the client gets before the close. */
  static ErrorResponse fatal(Throwable failure) {
    if (failure instanceof SessionRefusedException refused) {
      return ErrorResponse.fatal(refused.sqlState(), refused.getMessage());
    }
    if (failure instanceof PgProtocolException violation) {
      return ErrorResponse.fatal(violation.sqlState(), violation.getMessage());
    }
    if (failure instanceof TokenRejectedException rejected) {
      return ErrorResponse.fatal(INVALID_PASSWORD, "portcullis: token rejected: " + rejected.getMessage());
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && reply.failureCode() >= 0 && reply.failureCode() < UpstreamFailure.values().length) {
        return ErrorResponse.fatal(UpstreamFailure.values()[reply.failureCode()].sqlState,
            "portcullis: " + reply.getMessage());
      }
      return ErrorResponse.fatal("08000", "portcullis: a gateway component did not answer ("
          + reply.failureType().name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
    return ErrorResponse.fatal("XX000", "portcullis: internal error");
  }

  // --- statement refusals (ERROR raised by the backend itself, the session goes on) ----------------------------

  /** What a refused statement raises (SQLSTATE 42501, message per design-notes §3). */
  static Refusal statementRefused(Decision decision) {
    return new Refusal(INSUFFICIENT_PRIVILEGE, decision.clientMessage());
  }

  static Refusal functionCallRefused() {
    return new Refusal(INSUFFICIENT_PRIVILEGE, "portcullis: FunctionCall is not allowed through the gateway");
  }

  /** The policy verticle did not answer: fail closed, the statement does not run. */
  static Refusal judgementUnavailable() {
    return new Refusal(INSUFFICIENT_PRIVILEGE, "portcullis: the policy could not be evaluated; statement refused");
  }

  /**
   * What a statement that waited for approval gets when it does not run: the approver and reason when a person
   * refused it, else why it expired.
   */
  static Refusal approvalRefused(Decision.Review review, dev.portcullis.approval.ApprovalDecision d) {
    return new Refusal(INSUFFICIENT_PRIVILEGE, dev.portcullis.approval.ApprovalMessages.notApproved(review, d));
  }

  /** Retry mode: the request is filed; the agent runs the same statement again once it is approved. */
  static Refusal approvalFiled(Decision.Review review, String approvalId) {
    return new Refusal(INSUFFICIENT_PRIVILEGE,
        dev.portcullis.approval.ApprovalMessages.filed(review, approvalId, "statement"));
  }

  /** The client canceled a statement while it waited for approval: withdrawn, never run. */
  static Refusal canceledWhileHeld() {
    return new Refusal("57014", "canceling statement due to user request (it was waiting for approval and did not "
        + "run; the request is withdrawn)");
  }

  /** The approvals part did not answer: fail closed. */
  static Refusal approvalUnavailable() {
    return new Refusal(INSUFFICIENT_PRIVILEGE,
        "portcullis: the statement needs approval, but approvals could not be reached; statement refused");
  }

  /** The gateway stopped while a statement waited: it did not run, and the session ends. */
  static SessionRefusedException approvalWithdrawn(dev.portcullis.approval.ApprovalDecision d) {
    return new SessionRefusedException("57P01", "portcullis: the gateway is stopping; the statement waiting for "
        + "approval " + d.approvalId() + " did not run");
  }

  /** An error the backend raises in place of a refused message. */
  record Refusal(String sqlState, String message) {}
}
