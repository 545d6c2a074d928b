package dev.portcullis.pg.it;

import dev.portcullis.gateway.Addresses;
import dev.portcullis.policy.Admission;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgeRequest;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import dev.portcullis.policy.StatementKind;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCAFFOLDING until the policy helper's verticle is merged: answers POLICY_ADMIT (refuses target "closed") and
 * POLICY_JUDGE (denies every statement whose text contains {@link #MARKER}; splits messages on ';' naively).
 */
final class TestPolicy {
  static final String MARKER = "forbidden_marker";
  /** Statements containing this get a review decision (refused until approvals exist). */
  static final String REVIEW_MARKER = "review_marker";
  static final String POLICY = "test-policy";
  static final String RULE = "no-marker";
  static final String REASON = "the statement names a forbidden thing";
  private static final Pattern PREPARE = Pattern.compile("^\\s*prepare\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

  final List<JudgeRequest> judged = new CopyOnWriteArrayList<>();

  static String deniedMessage() {
    return new Decision.Deny(POLICY, RULE, REASON).clientMessage();
  }

  void register(Vertx vertx) {
    vertx.eventBus().<AdmitRequest>consumer(Addresses.POLICY_ADMIT, msg -> {
      boolean ok = !msg.body().target().equals("closed");
      msg.reply(new Admission(ok, ok ? List.of(POLICY) : List.of(),
          ok ? "" : "no policy applies to " + msg.body().identity().subject() + " on target closed"));
    });
    vertx.eventBus().<JudgeRequest>consumer(Addresses.POLICY_JUDGE, msg -> {
      judged.add(msg.body());
      msg.reply(judge(msg.body().sql()));
    });
  }

  static Judgement judge(String sql) {
    List<JudgedStatement> statements = new ArrayList<>();
    Decision overall = new Decision.Allow(POLICY, "allow-all", "allowed");
    for (String part : sql.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      String lower = part.toLowerCase(Locale.ROOT);
      boolean denied = lower.contains(MARKER) || lower.contains(REVIEW_MARKER);
      Decision d = lower.contains(MARKER) ? new Decision.Deny(POLICY, RULE, REASON)
          : lower.contains(REVIEW_MARKER) ? new Decision.Review(POLICY, "writes-need-review", "a human must approve",
              List.of("db-owners"))
          : new Decision.Allow(POLICY, "allow-all", "ok");
      if (denied) {
        overall = d;
      }
      Matcher m = PREPARE.matcher(part);
      statements.add(new JudgedStatement(part.trim(), part.trim(), Set.of(StatementKind.SELECT), List.of(),
          List.of(), d, m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null));
    }
    return new Judgement(statements, overall);
  }
}
