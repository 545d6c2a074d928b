package dev.portcullis.ssh;

import io.vertx.core.Future;

/**
 * Asked before each exec, shell or subsystem runs on a target. The gateway's implementation sends the request to
 * the policy verticle ({@code portcullis.policy.judge-ssh}); tests use {@link AcceptAllSshPolicy},
 * {@link RejectAllSshPolicy}, {@link StaticSshPolicy} or a lambda. A failed future counts as a denial.
 */
@FunctionalInterface
public interface SshPolicy {
  Future<SshVerdict> judge(SshChannelRequest request);
}
