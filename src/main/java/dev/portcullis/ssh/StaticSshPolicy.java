package dev.portcullis.ssh;

import io.vertx.core.Future;
import java.util.Objects;

/** Gives the same verdict for every request. */
public final class StaticSshPolicy implements SshPolicy {
  private final SshVerdict verdict;

  public StaticSshPolicy(SshVerdict verdict) {
    this.verdict = Objects.requireNonNull(verdict, "verdict");
  }

  @Override
  public Future<SshVerdict> judge(SshChannelRequest request) {
    return Future.succeededFuture(verdict);
  }
}
