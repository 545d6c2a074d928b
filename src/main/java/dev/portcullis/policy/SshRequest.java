package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import java.util.Objects;

/**
 * What the SSH termination asks the policy verticle (event-bus address {@code portcullis.policy.judge-ssh}) before
 * it lets a channel request through. Reply: {@link SshJudgement}.
 *
 * @param sessionId for logs and events
 * @param identity  the validated identity
 * @param target    the target name (the SSH user name the agent gave)
 * @param action    what the client asks for
 * @param detail    the exec command line, the subsystem name, or {@code host:port} of a port forward;
 *                  {@code null} for shell, agent-forward and x11
 */
public record SshRequest(String sessionId, Identity identity, String target, SshAction action, String detail) {
  public SshRequest {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(action, "action");
  }
}
