package dev.portcullis.ssh;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
import dev.portcullis.events.SessionGate;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Admission;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.SshAction;
import dev.portcullis.policy.SshJudgement;
import dev.portcullis.policy.SshRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The gateway's {@link SshPolicy}: the policy verticle judges each request ({@code portcullis.policy.judge-ssh})
 * against the same hot-reloaded policy files as SQL. A review decision becomes {@link SshVerdict.Review}: the
 * channel then waits for approval ({@link BusSshApprovals}).
 */
public final class BusSshPolicy implements SshPolicy {
  private final Vertx vertx;
  private final SessionGate gate;

  /** @param gate asked before each login: refuses new sessions while their audit events cannot be delivered */
  public BusSshPolicy(Vertx vertx, SessionGate gate) {
    this.vertx = vertx;
    this.gate = gate;
  }

  /** As for PostgreSQL sessions: no applicable policy for this identity and target, no login. */
  @Override
  public Future<Void> admit(Identity identity, String target) {
    if (!gate.admitsNewSessions()) {
      return Future.failedFuture(new SshRefusal("audit events cannot be delivered (Kafka unreachable or the event "
          + "spool full); new sessions are refused until delivery recovers"));
    }
    return vertx.eventBus()
        .<Admission>request(LoopAffinity.address(vertx, Addresses.POLICY_ADMIT), new AdmitRequest(identity, target))
        .compose(m -> m.body().admitted() ? Future.<Void>succeededFuture()
            : Future.failedFuture(new SshRefusal(m.body().reason())));
  }

  @Override
  public Future<SshVerdict> judge(SshChannelRequest r) {
    SshRequest request = new SshRequest(r.sessionId(), r.identity(), r.target(), SshAction.valueOf(r.kind().name()),
        r.detail());
    return vertx.eventBus()
        .<SshJudgement>request(LoopAffinity.address(vertx, Addresses.POLICY_JUDGE_SSH), request)
        .map(m -> verdict(m.body().overall()));
  }

  static SshVerdict verdict(Decision d) {
    if (d instanceof Decision.Allow a) {
      return new SshVerdict.Allow(a.policy(), a.rule(), a.reason());
    }
    if (d instanceof Decision.Review review) {
      return new SshVerdict.Review(review);
    }
    // clientMessage() starts with "portcullis: ", which the channel's refusal line already says
    String message = d.clientMessage().substring("portcullis: ".length());
    return new SshVerdict.Deny(message, d.policy(), d.rule());
  }
}
