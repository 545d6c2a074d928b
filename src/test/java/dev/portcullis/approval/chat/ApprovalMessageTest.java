package dev.portcullis.approval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.approval.ApprovalDecision;
import dev.portcullis.approval.ApprovalRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalMessageTest {
  private static ApprovalRequest withText(String text, List<String> parameters) {
    ApprovalRequest r = ApprovalBoardTest.request("a-1", "sha256:1", Instant.parse("2026-12-05T10:05:00Z"));
    return new ApprovalRequest(r.approvalId(), r.session(), r.statementId(), text, r.fingerprint(), parameters,
        r.digest(), r.kinds(), r.tables(), r.policy(), r.rule(), r.reason(), r.approverGroups(), r.requestedAt(),
        r.expiresAt(), r.mode(), r.grantTtlSeconds());
  }

  /** Slack refuses a section whose text is longer than 3000 characters. */
  private static void assertWithinSlackLimits(JsonObject message) {
    message.getJsonArray("blocks").forEach(b -> {
      JsonObject text = ((JsonObject) b).getJsonObject("text");
      if (text != null) {
        assertTrue(text.getString("text").length() <= 3000, "section of " + text.getString("text").length());
      }
    });
  }

  @Test
  void longStatementsAndParameterListsAreCutWithANoteButTheDigestStays() {
    List<String> params = new ArrayList<>(Collections.nCopies(100, "v".repeat(500)));
    params.set(0, null);
    JsonObject m = ApprovalMessage.pending(withText("SELECT " + "x, ".repeat(5000) + "1", params), "C1");
    assertWithinSlackLimits(m);
    String text = m.encode();
    assertTrue(text.contains("more characters (see `portcullis approvals list`"), text);
    assertTrue(text.contains("`$1` = NULL"), text);
    assertTrue(text.contains("more (see `portcullis approvals list` for all of them)"), text);
    assertTrue(text.contains("sha256:1"));
  }

  @Test
  void statementTextCannotCloseTheCodeBlockOrMentionAnyone() {
    JsonObject m = ApprovalMessage.pending(withText("SELECT 1 ``` <!channel> <@U1|x>", List.of()), "C1");
    String section = m.getJsonArray("blocks").getJsonObject(2).getJsonObject("text").getString("text");
    assertEquals("*Statement:*\n```SELECT 1 `\u200b`` &lt;!channel&gt; &lt;@U1|x&gt;```", section);
  }

  @Test
  void anSshCommandIsShownAsACommand() {
    ApprovalRequest r = withText("systemctl restart nginx", List.of());
    dev.portcullis.events.SessionInfo ssh = new dev.portcullis.events.SessionInfo(r.session().sessionId(),
        r.session().gatewayId(), r.session().identity(), "build-box", "ssh");
    ApprovalRequest command = new ApprovalRequest(r.approvalId(), ssh, r.statementId(), r.text(), r.text(),
        List.of(), r.digest(), List.of("exec"), List.of(), r.policy(), r.rule(), r.reason(), r.approverGroups(),
        r.requestedAt(), r.expiresAt(), r.mode(), r.grantTtlSeconds());
    JsonObject m = ApprovalMessage.pending(command, "C1");
    assertEquals("*Command:*\n```systemctl restart nginx```",
        m.getJsonArray("blocks").getJsonObject(2).getJsonObject("text").getString("text"));
    assertTrue(m.encode().contains("Approval needed: exec on build-box"), m.encode());
  }

  @Test
  void theDecidedMessageHasTheOutcomeInsteadOfButtons() {
    ApprovalRequest r = withText("DELETE FROM t", List.of());
    JsonObject m = ApprovalMessage.decided(r, new ApprovalDecision("a-1", "sha256:1",
        ApprovalDecision.Outcome.DENIED, new ApprovalDecision.Approver("alice", List.of("db-owners"), "chat"),
        "denied in chat", Instant.parse("2026-12-05T10:01:02.345Z")), "C1", "17.1");
    assertEquals("C1", m.getString("channel"));
    assertEquals("17.1", m.getString("ts"));
    String text = m.encode();
    assertFalse(text.contains("\"actions\""), text);
    assertTrue(text.contains(":no_entry: *Denied* by `alice` (db-owners) via chat at 2026-12-05T10:01:02Z: denied in chat"),
        text);
  }
}
