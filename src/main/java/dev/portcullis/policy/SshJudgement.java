package dev.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * The decision for one SSH request. The request goes through only when {@link #overall()} allows: one refused
 * part of an exec command line refuses the whole line (deny > review > allow).
 *
 * @param parts every part judged, in the order they start in the command line; empty when the request was refused
 *              before its parts could be judged (no applicable policy, a command line the splitter refused)
 */
public record SshJudgement(List<JudgedCommand> parts, Decision overall) {
  public SshJudgement {
    parts = List.copyOf(parts);
    Objects.requireNonNull(overall, "overall");
  }

  public boolean allowed() {
    return overall.allowed();
  }

  static SshJudgement refuse(String reason) {
    return new SshJudgement(List.of(), new Decision.Deny(null, null, reason));
  }
}
