package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.config.YamlException;
import dev.portcullis.ssh.command.CommandGlob;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SSH kinds and {@code commands:} in policy files: read strictly, never mixed with SQL. */
class SshPolicyLoaderTest {
  private static final String HEAD = """
      policies:
        - name: p
          subjects: { groups: [ai-agents] }
          targets: [build-box]
          rules:
      """;

  private static List<Policy.Rule> rules(String rules) {
    return PolicyLoader.load(YamlDocument.parse("a.yaml", HEAD + rules)).get(0).rules();
  }

  private static void assertRefused(String rules, String expected) {
    YamlException e = assertThrows(YamlException.class, () -> rules(rules));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void readsSshKindsAndCommands() {
    List<Policy.Rule> r = rules("""
            - { name: cmds, action: allow, statements: [exec], commands: ["git status", "ls *"] }
            - { name: forwards, action: deny, statements: [port-forward, agent-forward, x11, shell, subsystem] }
            - name: review-shell
              action: review
              statements: [shell]
              approvers: { groups: [owners] }
              approval: { mode: retry }
      """);
    assertEquals(Set.of(SshAction.EXEC), r.get(0).sshActions());
    assertEquals(List.of(new CommandGlob("git status"), new CommandGlob("ls *")), r.get(0).commands());
    assertTrue(r.get(0).kinds().isEmpty() && r.get(0).tables().isEmpty());
    assertEquals(Set.of(SshAction.values()).size() - 1, r.get(1).sshActions().size());
    assertTrue(r.get(1).commands().isEmpty());
    assertEquals(List.of("owners"), r.get(2).approverGroups());
    assertTrue(r.get(2).approval().retry());
  }

  @Test
  void yamlNamesOfTheActions() {
    assertEquals("port-forward", SshAction.PORT_FORWARD.yamlName());
    assertEquals(SshAction.AGENT_FORWARD, SshAction.fromYaml("agent-forward"));
    assertEquals(null, SshAction.fromYaml("port_forward"));
    assertEquals(null, SshAction.fromYaml("EXEC"));
  }

  @Test
  void refusesWhatWouldReadAmbiguously() {
    assertRefused("      - { name: r, action: allow, statements: [select, exec] }\n",
        "a.yaml:6:35: rule 'r' mixes SQL statement kinds and SSH kinds");
    assertRefused("      - { name: r, action: allow, statements: [exec], tables: [\"public.*\"] }\n",
        "rule 'r': tables apply to SQL statement kinds, not to SSH kinds");
    assertRefused("      - { name: r, action: allow, statements: [exec], functions: [f] }\n",
        "rule 'r': functions apply to SQL statement kinds");
    assertRefused("      - { name: r, action: allow, statements: [select], commands: [ls] }\n",
        "rule 'r': commands apply to SSH kinds");
    assertRefused("      - { name: r, action: allow, statements: [exec, shell], commands: [ls] }\n",
        "commands cannot restrict shell (no command to match)");
    assertRefused("      - { name: r, action: allow, statements: [x11, agent-forward], commands: [ls] }\n",
        "commands cannot restrict agent-forward, x11");
    assertRefused("      - { name: r, action: allow, statements: [exec, port-forward], commands: [ls] }\n",
        "lists exactly one of exec, subsystem, port-forward");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [] }\n",
        "rule 'r' lists no commands (leave commands out to match any)");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: }\n",
        "rule 'r' lists no commands");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: \"rm *\" }\n",
        "'commands' in rule must be a list of strings");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [\"rm  -rf *\"] }\n",
        "commands glob 'rm  -rf *' has a leading, trailing or doubled space");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [\"rm * \"] }\n",
        "has a leading, trailing or doubled space");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [\"  \"] }\n", "is empty");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [\"rm\\t*\"] }\n",
        "contains a control character");
    assertRefused("      - { name: r, action: deny, statements: [exec], commands: [\"" + "x".repeat(1025) + "\"] }\n",
        "is longer than 1024 characters");
    assertRefused("      - { name: r, action: allow, statements: [exce] }\n",
        "unknown statement kind 'exce' (expected: select, insert, update, delete, merge, ddl, dcl, copy, call, set, "
            + "show, transaction, explain, prepare, utility; for SSH: exec, shell, subsystem, port-forward, "
            + "agent-forward, x11)");
    assertRefused("      - { name: r, action: deny, statements: [exec], approvers: { groups: [x] } }\n",
        "approvers belong to review rules only");
    assertRefused("      - { name: r, action: allow, statements: [shell], approval: { mode: retry } }\n",
        "approval terms belong to review rules only");
    assertRefused("      - { name: r, action: allow, statements: [exec], comands: [ls] }\n", "unknown key 'comands'");
  }

  @Test
  void matchingRespectsTheRuleAction() {
    List<Policy.Rule> r = rules("""
            - { name: allow-sftp, action: allow, statements: [subsystem], commands: [sftp] }
            - { name: deny-sftp, action: deny, statements: [subsystem], commands: [sftp] }
            - { name: any-forward, action: allow, statements: [port-forward] }
      """);
    assertTrue(r.get(0).matchesSsh(SshAction.SUBSYSTEM, "sftp"));
    assertTrue(!r.get(0).matchesSsh(SshAction.SUBSYSTEM, "SFTP"));
    assertTrue(r.get(1).matchesSsh(SshAction.SUBSYSTEM, "SFTP"));
    assertTrue(!r.get(0).matchesSsh(SshAction.SHELL, null));
    assertTrue(r.get(2).matchesSsh(SshAction.PORT_FORWARD, "anything:1"));
    assertThrows(IllegalArgumentException.class, () -> r.get(2).matchesSsh(SshAction.EXEC, "ls"));
  }
}
