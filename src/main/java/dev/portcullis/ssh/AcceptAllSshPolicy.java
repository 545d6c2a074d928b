package dev.portcullis.ssh;

import io.vertx.core.Future;

/** Allows everything: for tests of the bridge only, never for a real gateway. */
public final class AcceptAllSshPolicy implements SshPolicy {
  public static final AcceptAllSshPolicy INSTANCE = new AcceptAllSshPolicy();

  private AcceptAllSshPolicy() {}

  @Override
  public Future<SshVerdict> judge(SshChannelRequest request) {
    return Future.succeededFuture(SshVerdict.ALLOW);
  }
}
