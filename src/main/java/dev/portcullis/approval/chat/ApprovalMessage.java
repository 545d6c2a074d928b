package dev.portcullis.approval.chat;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import dev.portcullis.events.SessionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The Block Kit message for one request: who, what, where, which rule, until when, and Approve/Deny buttons; once
 * decided, the same facts with the outcome in place of the buttons. Plain JSON building, no I/O.
 *
 * <p>Slack caps a section's text at 3000 characters, so long statements and parameter lists are cut with a note
 * saying so and pointing to {@code portcullis approvals list}; the digest is always shown in full.
 */
final class ApprovalMessage {
  static final int MAX_STATEMENT = 2600;
  static final int MAX_PARAMETER = 200;
  static final int MAX_PARAMETERS_TEXT = 2600;

  private ApprovalMessage() {}

  /** The {@code chat.postMessage} body. */
  static JsonObject pending(ApprovalRequest r, String channel) {
    JsonArray blocks = facts(r);
    blocks.add(new JsonObject().put("type", "actions").put("block_id", "portcullis-approval")
        .put("elements", new JsonArray()
            .add(button(Interaction.APPROVE, "Approve", "primary", r.approvalId()))
            .add(button(Interaction.DENY, "Deny", "danger", r.approvalId()))));
    return new JsonObject().put("channel", channel).put("text", summary(r)).put("blocks", blocks);
  }

  /** The {@code chat.update} body once {@code d} decided the request: no buttons left. */
  static JsonObject decided(ApprovalRequest r, ApprovalDecision d, String channel, String ts) {
    JsonArray blocks = facts(r);
    blocks.add(section(outcomeLine(d)));
    return new JsonObject().put("channel", channel).put("ts", ts)
        .put("text", outcomeText(d) + ": " + summary(r)).put("blocks", blocks);
  }

  /** One line such as {@code ✅ Approved by alice (db-owners) via chat at 2026-…Z: reason}. */
  static String outcomeLine(ApprovalDecision d) {
    StringBuilder s = new StringBuilder();
    s.append(switch (d.outcome()) {
      case APPROVED -> ":white_check_mark: *Approved*";
      case DENIED -> ":no_entry: *Denied*";
      case EXPIRED -> ":hourglass: *Expired*: nobody decided in time";
      case WITHDRAWN -> ":leftwards_arrow_with_hook: *Withdrawn*: the session ended before a decision";
    });
    if (d.decidedBy() != null) {
      s.append(" by `").append(escape(d.decidedBy().subject())).append('`');
      if (!d.decidedBy().groups().isEmpty()) {
        s.append(" (").append(escape(String.join(", ", d.decidedBy().groups()))).append(')');
      }
      s.append(" via ").append(escape(d.decidedBy().via()));
    }
    s.append(" at ").append(time(d.decidedAt()));
    if (d.reason() != null && !d.reason().isBlank()) {
      s.append(": ").append(escape(d.reason()));
    }
    return s.toString();
  }

  private static String outcomeText(ApprovalDecision d) {
    String word = d.outcome().jsonName();
    return Character.toUpperCase(word.charAt(0)) + word.substring(1)
        + (d.decidedBy() == null ? "" : " by " + d.decidedBy().subject());
  }

  /** The notification text (also what screen readers and clients without blocks show). */
  private static String summary(ApprovalRequest r) {
    return "Approval needed: " + r.requester() + " wants to run " + String.join("/", r.kinds()) + " on "
        + r.session().target() + " (rule " + r.rule() + ")";
  }

  private static JsonArray facts(ApprovalRequest r) {
    SessionInfo s = r.session();
    JsonArray blocks = new JsonArray();
    String kinds = r.kinds().isEmpty() ? "statement" : String.join("/", r.kinds());
    blocks.add(new JsonObject().put("type", "header").put("text", plain(cut(
        "Approval needed: " + kinds + " on " + s.target(), 150))));
    StringBuilder who = new StringBuilder();
    who.append("*Who:* `").append(escape(r.requester())).append('`');
    List<String> groups = s.identity().groups();
    who.append(groups.isEmpty() ? " (no groups)" : " (groups: " + escape(String.join(", ", groups)) + ")");
    who.append("\n*Where:* target `").append(escape(s.target())).append("` · gateway `")
        .append(escape(String.valueOf(s.gatewayId()))).append("` · session `").append(escape(s.sessionId()))
        .append('`');
    if (!r.tables().isEmpty()) {
      who.append("\n*Tables:* ").append(escape(cut(String.join(", ", r.tables()), 500)));
    }
    who.append("\n*Rule:* `").append(escape(String.valueOf(r.rule()))).append("` of policy `")
        .append(escape(String.valueOf(r.policy()))).append('`');
    if (r.reason() != null && !r.reason().isBlank()) {
      who.append(": ").append(escape(cut(r.reason(), 500)));
    }
    who.append("\n*Approvers:* ").append(escape(String.join(", ", r.approverGroups())));
    who.append("\n*Expires:* ").append(time(r.expiresAt()));
    blocks.add(section(who.toString()));
    String what = "ssh".equals(s.protocol()) ? "Command" : "Statement";
    blocks.add(section("*" + what + ":*\n```" + codeBlock(r.text(), MAX_STATEMENT) + "```"));
    if (!r.parameters().isEmpty()) {
      blocks.add(section("*Parameters:*\n" + parameters(r.parameters())));
    }
    blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(new JsonObject()
        .put("type", "mrkdwn").put("text", "approval `" + escape(r.approvalId()) + "` · digest `"
            + escape(r.digest()) + "`"))));
    return blocks;
  }

  private static String parameters(List<String> values) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String line = "`$" + (i + 1) + "` = " + (v == null ? "NULL" : "`" + escape(cut(v, MAX_PARAMETER))
          .replace("`", "'") + "`") + "\n";
      if (out.length() + line.length() > MAX_PARAMETERS_TEXT) {
        out.append("… ").append(values.size() - i)
            .append(" more (see `portcullis approvals list` for all of them)");
        break;
      }
      out.append(line);
    }
    return out.toString();
  }

  private static String codeBlock(String text, int max) {
    String shown = text.length() <= max ? text
        : text.substring(0, max) + "\n… " + (text.length() - max)
            + " more characters (see `portcullis approvals list` for the whole statement)";
    // a ``` inside the statement would end the code block early and show the rest as formatting
    return escape(shown).replace("```", "`\u200b``");
  }

  private static JsonObject button(String actionId, String label, String style, String value) {
    return new JsonObject().put("type", "button").put("action_id", actionId).put("text", plain(label))
        .put("style", style).put("value", value);
  }

  private static JsonObject section(String mrkdwn) {
    return new JsonObject().put("type", "section")
        .put("text", new JsonObject().put("type", "mrkdwn").put("text", mrkdwn));
  }

  private static JsonObject plain(String text) {
    return new JsonObject().put("type", "plain_text").put("text", text).put("emoji", false);
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** Slack's mrkdwn control characters: text from the agent must never become a link or a mention. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
