package dev.portcullis.ssh;

import dev.portcullis.identity.Identity;
import io.vertx.core.Future;

/**
 * Asked before each exec, shell or subsystem runs on a target. The gateway's implementation sends the request to
 * the policy verticle ({@code portcullis.policy.judge-ssh}); tests use {@link AcceptAllSshPolicy},
 * {@link RejectAllSshPolicy}, {@link StaticSshPolicy} or a lambda. A failed future counts as a denial.
 */
@FunctionalInterface
public interface SshPolicy {
  Future<SshVerdict> judge(SshChannelRequest request);

  /**
   * Asked once per connection, after the token was accepted and before the login succeeds: may this identity use
   * this target at all? A future failed with {@link SshRefusal} refuses the login with its message; any other
   * failure refuses it too. By default everyone is admitted and each channel is judged on its own.
   */
  default Future<Void> admit(Identity identity, String target) {
    return Future.succeededFuture();
  }
}
