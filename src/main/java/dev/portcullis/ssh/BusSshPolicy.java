package dev.portcullis.ssh;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.gateway.LoopAffinity;
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

  public BusSshPolicy(Vertx vertx) {
    this.vertx = vertx;
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
