package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.identity.Identity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Forwarding rules as the README shows them: {@code port-forward} globs over the canonical {@code host:port}
 * ({@code [v6]:port} for IPv6, as the SSH gateway spells it), {@code agent-forward} and {@code x11} listed or not.
 */
class SshForwardRulesTest {
  static final List<Policy> POLICIES = PolicyLoader.load(YamlDocument.parse("forwarding.yaml", """
      policies:
        - name: agents-forward
          subjects: { groups: [ai-agents] }
          targets: [build-box]
          rules:
            - name: reach-the-database
              action: allow
              statements: [port-forward]
              commands: ["db.internal:5432", "[::1]:*", "*.cache.internal:6379"]
            - name: never-ssh-or-metadata
              action: deny
              statements: [port-forward]
              commands: ["*:22", "169.254.169.254:*", "[fd00:ec2::254]:*"]
            - name: use-my-agent
              action: allow
              statements: [agent-forward]
      """));
  static final PolicyEngine ENGINE = new PolicyEngine(null, Runnable::run, 16, POLICIES);
  static final Identity AGENT = new Identity("agent-7", List.of("ai-agents"), "https://idp",
      Instant.now().plusSeconds(600));

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
      PORT_FORWARD  | db.internal:5432          | allow | reach-the-database
      PORT_FORWARD  | db.internal:5433          | deny  | null
      PORT_FORWARD  | DB.internal:5432          | deny  | null
      PORT_FORWARD  | [::1]:6543                | allow | reach-the-database
      PORT_FORWARD  | ::1:6543                  | deny  | null
      PORT_FORWARD  | [::1]:22                  | deny  | never-ssh-or-metadata
      PORT_FORWARD  | DB.INTERNAL:22            | deny  | never-ssh-or-metadata
      PORT_FORWARD  | eu.cache.internal:6379    | allow | reach-the-database
      PORT_FORWARD  | 169.254.169.254:80        | deny  | never-ssh-or-metadata
      PORT_FORWARD  | [fd00:ec2::254]:80        | deny  | never-ssh-or-metadata
      AGENT_FORWARD | null                      | allow | use-my-agent
      X11           | null                      | deny  | null
      """)
  void forwardsAreJudgedByTheirCanonicalDetail(SshAction action, String detail, String expected, String rule) {
    SshJudgement j = ENGINE.judgeSsh(new SshRequest("s1", AGENT, "build-box", action, detail));
    assertEquals(expected, j.allowed() ? "allow" : "deny", j.overall().reason());
    assertEquals(rule, j.overall().rule());
    assertEquals(SshPolicyEvaluator.eventText(action, detail), j.parts().get(0).text());
  }

  @org.junit.jupiter.api.Test
  void reasonsNameTheDestination() {
    SshJudgement j = ENGINE.judgeSsh(new SshRequest("s1", AGENT, "build-box", SshAction.PORT_FORWARD,
        "[::1]:22"));
    assertEquals("port-forward to '[::1]:22' is denied", j.overall().reason());
    SshJudgement none = ENGINE.judgeSsh(new SshRequest("s1", AGENT, "build-box", SshAction.PORT_FORWARD,
        "db.internal:5433"));
    assertEquals("no rule allows port-forward to 'db.internal:5433'", none.overall().reason());
    assertTrue(none.overall().clientMessage().startsWith("portcullis: no rule allows"), none.overall().clientMessage());
  }
}
