package dev.portcullis.pg;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.approval.ApprovalVerticle;
import dev.portcullis.approval.StatementDigest;
import dev.portcullis.events.EventIds;
import dev.portcullis.events.SessionInfo;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import dev.portcullis.policy.StatementKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A session's side of approvals: files the request for a statement a review rule caught and waits for the answer of
 * the approvals verticle. At most one request is in flight per session (nothing after a held statement is
 * forwarded), and it is withdrawn if the session ends first.
 */
final class SessionApprovals {
  private final Vertx vertx;
  private final SessionInfo info;
  private String inFlight;

  SessionApprovals(Vertx vertx, SessionInfo info) {
    this.vertx = vertx;
    this.info = info;
  }

  /**
   * Files the request for {@code text} with {@code parameters} (Bind values, empty for a simple Query) and
   * completes with the answer: hold mode when decided, retry mode at once.
   */
  Future<ApprovalAnswer> ask(Judgement j, Decision.Review review, String text,
      dev.portcullis.pg.codec.BindParameters.Values bound, String statementId) {
    List<String> parameters = bound.shown();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Duration timeout = review.terms().timeout();
    // With audit: { literals: redact } the policy engine gave the fingerprint as each statement's text: approvers
    // then see the statement's shape and how many values it binds, never the values; the digest still binds them.
    boolean redacted = !j.statements().isEmpty()
        && j.statements().stream().allMatch(s -> s.text().equals(s.fingerprint()));
    List<String> shownParameters = parameters;
    if (redacted) {
      shownParameters = new ArrayList<>();
      for (int i = 0; i < parameters.size(); i++) {
        shownParameters.add("?");
      }
    }
    ApprovalRequest r = new ApprovalRequest(EventIds.next(), info, statementId, redacted ? fingerprint(j) : text,
        fingerprint(j), shownParameters, StatementDigest.of(text, parameters, bound.binary()), kinds(j), tables(j), review.policy(), review.rule(), review.reason(),
        review.approverGroups(), now, now.plus(timeout),
        review.terms().retry() ? ApprovalRequest.Mode.RETRY : ApprovalRequest.Mode.HOLD,
        review.terms().grantTtl().toSeconds());
    inFlight = r.approvalId();
    return ApprovalVerticle.ask(vertx, r).onComplete(ar -> inFlight = null);
  }

  /** The session ended: a statement still waiting will never run. */
  void sessionEnded() {
    if (inFlight != null) {
      ApprovalVerticle.withdraw(vertx, inFlight);
      inFlight = null;
    }
  }

  private static String fingerprint(Judgement j) {
    List<String> parts = new ArrayList<>();
    for (JudgedStatement s : j.statements()) {
      parts.add(s.fingerprint() == null ? "" : s.fingerprint());
    }
    return String.join("; ", parts);
  }

  private static List<String> kinds(Judgement j) {
    Set<String> out = new TreeSet<>();
    for (JudgedStatement s : j.statements()) {
      for (StatementKind k : s.kinds()) {
        out.add(k.yamlName());
      }
    }
    return List.copyOf(out);
  }

  private static List<String> tables(Judgement j) {
    Set<String> out = new LinkedHashSet<>();
    j.statements().forEach(s -> out.addAll(s.tables()));
    return List.copyOf(out);
  }
}
