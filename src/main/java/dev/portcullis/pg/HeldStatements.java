package dev.portcullis.pg;

import dev.portcullis.approval.ApprovalAnswer;
import dev.portcullis.pg.codec.BindParameters;
import dev.portcullis.pg.codec.FrontendFrame;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.Judgement;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * What of a session waits for approval: the prepared statements a review rule caught (each Execute of them asks,
 * with its Bind values), and the one statement whose answer the session waits for now. Called on the session's
 * event loop only.
 */
final class HeldStatements {
  /** A prepared statement a review rule caught. */
  record Reviewed(Judgement judgement, Decision.Review review, String sql, String statementId) {}

  /** A portal bound from such a statement, with the values an approval must cover. */
  record Portal(Reviewed statement, BindParameters.Values parameters) {}

  /** How the session goes on once the wait ends. */
  interface Outcome {
    void answered(AsyncResult<ApprovalAnswer> answer);

    /** The client canceled while waiting; the request is already withdrawn. */
    void canceled();
  }

  private final SessionApprovals approvals;
  private final Map<String, Reviewed> statements = new HashMap<>();
  private final Map<String, Portal> portals = new HashMap<>();
  private Runnable cancel;

  HeldStatements(SessionApprovals approvals) {
    this.approvals = approvals;
  }

  /** A Parse of {@code name}: {@code reviewed} when a review rule caught it, {@code null} otherwise. */
  void parsed(String name, Reviewed reviewed) {
    if (reviewed == null) {
      statements.remove(name); // a Parse replaces the statement of that name
    } else {
      statements.put(name, reviewed);
    }
  }

  void bound(String portal, String statement, FrontendFrame bind) {
    Reviewed r = statements.get(statement);
    if (r == null) {
      portals.remove(portal);
    } else {
      portals.put(portal, new Portal(r, BindParameters.values(bind)));
    }
  }

  /** The portal an Execute runs, when it still needs approval; else {@code null}. */
  Portal needsApproval(String portal) {
    return portals.get(portal);
  }

  /** An Execute of the portal was approved: a row-limited continuation of it runs without asking again. */
  void approved(String portal) {
    portals.remove(portal);
  }

  void closed(boolean statement, String name) {
    (statement ? statements : portals).remove(name);
  }

  /** Waits for {@code answer}; a {@link #cancel} first ends the wait instead. */
  void await(Future<ApprovalAnswer> answer, Outcome outcome) {
    Runnable mine = () -> {
      cancel = null;
      approvals.sessionEnded(); // withdraws the request
      outcome.canceled();
    };
    cancel = mine;
    answer.onComplete(a -> {
      if (cancel != mine) {
        return; // canceled: already answered
      }
      cancel = null;
      outcome.answered(a);
    });
  }

  /** A client's CancelRequest: ends the current wait. {@code false} when nothing waits. */
  boolean cancel() {
    if (cancel == null) {
      return false;
    }
    cancel.run();
    return true;
  }

  /** The session ended: a request still waiting is withdrawn. */
  void sessionEnded() {
    cancel = null;
    approvals.sessionEnded();
  }
}
