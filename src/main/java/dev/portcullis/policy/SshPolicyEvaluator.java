package dev.portcullis.policy;

import dev.portcullis.ssh.command.CommandLineSplitter;
import dev.portcullis.ssh.command.CommandText;
import dev.portcullis.ssh.command.SimpleCommand;
import dev.portcullis.ssh.command.SplitResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides one SSH request against the applicable policies (design-notes §2–3, issue 6). Pure and cheap: splitting
 * is linear in the command line and bounded, so it runs on the caller's thread.
 *
 * <p>Per part (each simple command of an exec command line, or the request itself for the other actions), most
 * restrictive first:
 * <ol>
 *   <li>a deny rule that lists the action and whose glob matches (or that has none) → deny;</li>
 *   <li>no allow or review rule listing the action with a matching glob → deny "no rule allows …" (nothing is
 *       allowed by default: not a shell, not a forward, not a subsystem);</li>
 *   <li>a review rule that matches → review; otherwise allow.</li>
 * </ol>
 * A command line the splitter refuses is denied as a whole with its reason, whatever the rules say. The request's
 * decision is the first deny among its parts, else the first review, else allow: one refused part refuses the
 * line, and a review part puts the whole line up for approval.
 */
public final class SshPolicyEvaluator {
  /** Parts quoted in reasons are cut here: reasons go to the agent's terminal and into events. */
  static final int SHOWN = 200;

  private SshPolicyEvaluator() {}

  public static SshJudgement decide(List<Policy> policies, SshAction action, String detail) {
    if (action != SshAction.EXEC) {
      String asked = describe(action, detail);
      Decision d = decidePart(policies, asked, r -> r.matchesSsh(action, detail));
      return new SshJudgement(List.of(new JudgedCommand(eventText(action, detail), detail == null ? "" : detail, 0,
          d)), d);
    }
    SplitResult split = CommandLineSplitter.split(detail);
    if (split instanceof SplitResult.Refused refused) {
      return SshJudgement.refuse("cannot follow the command line: " + refused.reason());
    }
    List<SimpleCommand> commands = ((SplitResult.Commands) split).commands();
    List<JudgedCommand> parts = new ArrayList<>(commands.size());
    Decision firstDeny = null;
    Decision firstReview = null;
    for (SimpleCommand c : commands) {
      String asked = "exec '" + shown(c.normalized()) + "'" + (c.inSubstitution() ? " (in a command substitution)" : "");
      CommandText text = CommandText.of(c);
      Decision d = decidePart(policies, asked, r -> r.matchesExec(text));
      parts.add(new JudgedCommand(c.text(), c.normalized(), c.depth(), d));
      if (firstDeny == null && d instanceof Decision.Deny) {
        firstDeny = d;
      } else if (firstReview == null && d instanceof Decision.Review) {
        firstReview = d;
      }
    }
    Decision overall = firstDeny != null ? firstDeny : firstReview != null ? firstReview
        : parts.size() == 1 ? parts.get(0).decision() : allowAll(parts);
    return new SshJudgement(parts, overall);
  }

  private static Decision decidePart(List<Policy> policies, String asked,
      java.util.function.Predicate<Policy.Rule> matches) {
    for (Policy p : policies) {
      for (Policy.Rule r : p.rules()) {
        if (r.action() == Policy.Action.DENY && matches.test(r)) {
          return new Decision.Deny(p.name(), r.name(), asked + " is denied");
        }
      }
    }
    Policy allowPolicy = null;
    Policy.Rule allow = null;
    for (Policy p : policies) {
      for (Policy.Rule r : p.rules()) {
        if (r.action() == Policy.Action.REVIEW && matches.test(r)) {
          return new Decision.Review(p.name(), r.name(), asked + " needs approval"
              + (r.approverGroups().isEmpty() ? "" : " by " + String.join(", ", r.approverGroups())),
              r.approverGroups(), r.approval());
        }
        if (allow == null && r.action() == Policy.Action.ALLOW && matches.test(r)) {
          allow = r;
          allowPolicy = p;
        }
      }
    }
    if (allow == null) {
      return new Decision.Deny(null, null, "no rule allows " + asked);
    }
    return new Decision.Allow(allowPolicy.name(), allow.name(), asked + " is allowed");
  }

  /** The rule named is the first part's, as for SQL messages (the first allow rule that covered something). */
  private static Decision allowAll(List<JudgedCommand> parts) {
    Decision first = parts.get(0).decision();
    return new Decision.Allow(first.policy(), first.rule(), "all " + parts.size() + " commands are allowed");
  }

  /** {@code shell}, {@code subsystem 'sftp'}, {@code port-forward to 'db:5432'}… for reasons and judged parts. */
  static String describe(SshAction action, String detail) {
    return switch (action) {
      case EXEC -> "exec '" + shown(detail) + "'";
      case SUBSYSTEM -> "subsystem '" + shown(detail) + "'";
      case PORT_FORWARD -> "port-forward to '" + shown(detail) + "'";
      case SHELL, AGENT_FORWARD, X11 -> action.yamlName();
    };
  }

  /** What {@code statement.decided} events carry as text for the actions other than exec (HELPERS contract). */
  static String eventText(SshAction action, String detail) {
    return switch (action) {
      case EXEC -> detail;
      case SUBSYSTEM -> "subsystem " + detail;
      case PORT_FORWARD -> "forward " + detail;
      case SHELL, AGENT_FORWARD, X11 -> action.yamlName();
    };
  }

  private static String shown(String text) {
    if (text == null) {
      return "";
    }
    if (text.length() <= SHOWN) {
      return text;
    }
    int cut = Character.isHighSurrogate(text.charAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN;
    return text.substring(0, cut) + "…";
  }
}
