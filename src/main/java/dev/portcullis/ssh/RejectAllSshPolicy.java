package dev.portcullis.ssh;

import io.vertx.core.Future;

/** Refuses everything (the safe default while no policy is wired). */
public final class RejectAllSshPolicy implements SshPolicy {
  public static final RejectAllSshPolicy INSTANCE = new RejectAllSshPolicy();

  private RejectAllSshPolicy() {}

  @Override
  public Future<SshVerdict> judge(SshChannelRequest request) {
    return Future.succeededFuture(SshVerdict.deny("no policy allows " + request.kind().yamlName()));
  }
}
