package dev.portcullis.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.YamlException;
import dev.portcullis.masking.Classifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
  private static final String GOOD = """
      policies:
        - name: p
          subjects: { groups: [ai-agents] }
          targets: [orders]
          rules:
            - name: read
              action: allow
              statements: [select]
              tables: ["public.*"]
      """;

  @TempDir
  Path dir;

  private YamlException refused(String text) throws IOException {
    Files.writeString(dir.resolve("a.yaml"), text);
    return assertThrows(YamlException.class, () -> PolicyLoader.loadDirectory(dir));
  }

  private void assertRefused(String text, String expected) throws IOException {
    String message = refused(text).getMessage();
    assertTrue(message.contains(expected), message);
  }

  @Test
  void typoInRuleKeyIsAnErrorWithFileLineColumn() throws IOException {
    YamlException e = refused(GOOD.replace("tables:", "tabels:"));
    assertEquals(dir.resolve("a.yaml") + ":9:9: unknown key 'tabels' in rule (expected one of: name, action, "
        + "statements, tables, functions, approvers, approval, commands)", e.getMessage());
  }

  @Test
  void wrongTypesAndValues() throws IOException {
    assertRefused(GOOD.replace("[select]", "select"), "a.yaml:8:21: 'statements' in rule must be a list of strings, got 'select'");
    assertRefused(GOOD.replace("[select]", "[selekt]"), "a.yaml:8:9: rule 'read': unknown statement kind 'selekt'");
    assertRefused(GOOD.replace("action: allow", "action: permit"), "a.yaml:7:17: 'action' in rule must be one of: allow, deny, review; got 'permit'");
    assertRefused(GOOD.replace("\"public.*\"", "secrets"), "table glob 'secrets' must be schema-qualified");
    assertRefused(GOOD.replace("targets: [orders]", "targets: orders"), "'targets' in policy must be a list of strings");
    assertRefused(GOOD.replace("{ groups: [ai-agents] }", "{ group: [ai-agents] }"), "unknown key 'group' in subjects of policy 'p' (expected one of: groups, users)");
    assertRefused(GOOD.replace("        tables:", "        functions: [f]\n        action: deny\n"
        + "        tables:"), "duplicate key 'action'");
    assertRefused(GOOD + "    audit: { literals: hide }\n", "'literals' in audit must be one of: keep, redact");
    assertRefused(GOOD.replace("action: allow", "action: deny\n        approvers: { groups: [x] }"), "approvers belong to review rules only");
  }

  private static final String REVIEW = GOOD + """
            - name: writes
              action: review
              statements: [delete]
              approvers: { groups: [db-owners] }
      """;

  private Policy.Rule reviewRule(String approval) throws IOException {
    Files.writeString(dir.resolve("a.yaml"), REVIEW + (approval == null ? "" : "        approval: " + approval + "\n"));
    return PolicyLoader.loadDirectory(dir).get(0).rules().get(1);
  }

  @Test
  void approvalTermsAreReadWithDefaults() throws IOException {
    Policy.ApprovalTerms defaults = reviewRule(null).approval();
    assertEquals(Policy.ApprovalTerms.DEFAULT, defaults);
    assertFalse(defaults.retry());
    assertEquals(java.time.Duration.ofMinutes(5), defaults.timeout(), "issue 5: the default timeout is 5 minutes");

    Policy.ApprovalTerms retry = reviewRule("{ mode: retry, timeout: 2s, grantTtl: 10m }").approval();
    assertEquals(new Policy.ApprovalTerms(true, java.time.Duration.ofSeconds(2), java.time.Duration.ofMinutes(10)),
        retry);
    Policy.ApprovalTerms hold = reviewRule("{ mode: hold, timeout: 24h }").approval();
    assertEquals(new Policy.ApprovalTerms(false, java.time.Duration.ofHours(24), defaults.grantTtl()), hold,
        "24h is the longest wait");
    assertEquals(java.time.Duration.ofMillis(1500), reviewRule("{ timeout: 1500ms }").approval().timeout());
    assertEquals(Policy.ApprovalTerms.DEFAULT, reviewRule("{}").approval());
    assertEquals(List.of("db-owners"), reviewRule("{ mode: retry }").approverGroups());
  }

  @Test
  void approvalTermErrorsNameFileLineAndRule() throws IOException {
    assertRefused(GOOD.replace("tables: [\"public.*\"]", "tables: [\"public.*\"]\n        approval: { timeout: 1m }"),
        "a.yaml:10:9: rule 'read': approval terms belong to review rules only");
    Files.writeString(dir.resolve("a.yaml"), REVIEW + "        approval: { grantTtl: 10m }\n");
    String message = assertThrows(YamlException.class, () -> PolicyLoader.loadDirectory(dir)).getMessage();
    assertTrue(message.contains("a.yaml:14:21: rule 'writes': grantTtl applies to mode: retry only"), message);
    assertRefused(REVIEW + "        approval: { mode: hold, grantTtl: 10m }\n", "grantTtl applies to mode: retry only");
    assertRefused(REVIEW + "        approval: { timeout: 0s }\n",
        "rule 'writes': approval timeout must be more than 0 and at most 24h");
    assertRefused(REVIEW + "        approval: { timeout: 25h }\n", "approval timeout must be more than 0 and at most 24h");
    assertRefused(REVIEW + "        approval: { timeout: 86401s }\n", "approval timeout must be more than 0 and at most 24h");
    assertRefused(REVIEW + "        approval: { mode: retry, grantTtl: 0m }\n",
        "grantTtl must be more than 0 and at most 24h");
    assertRefused(REVIEW + "        approval: { mode: retry, grantTtl: 2d }\n", "'grantTtl' in approval must be a duration");
    assertRefused(REVIEW + "        approval: { timeout: 5 }\n", "'timeout' in approval must be a duration such as 500ms");
    assertRefused(REVIEW + "        approval: { mode: wait }\n", "'mode' in approval must be one of: hold, retry; got 'wait'");
    assertRefused(REVIEW + "        approval: { timout: 5m }\n",
        "unknown key 'timout' in approval (expected one of: mode, timeout, grantTtl)");
    assertRefused(REVIEW + "        approval: retry\n", "a.yaml:14:19: approval must be a mapping");
  }

  @Test
  void duplicatePolicyNamesAcrossFiles() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), GOOD);
    Files.writeString(dir.resolve("b.yaml"), GOOD);
    YamlException e = assertThrows(YamlException.class, () -> PolicyLoader.loadDirectory(dir));
    assertTrue(e.getMessage().startsWith(dir.resolve("b.yaml") + ":2:5: duplicate policy name 'p' (first defined"
        + " at " + dir.resolve("a.yaml") + ":2:5)"), e.getMessage());
  }

  @Test
  void fullPolicyIsKept() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), GOOD + """
            - name: review-writes
              action: review
              statements: [insert, update]
              approvers: { groups: [db-owners] }
            - name: funcs
              action: allow
              statements: [select]
              functions: [My_Func, "*"]
          masking:
            - columns: ["*.*.card_number"]
              strategy: hash
          audit: { literals: redact }
      """);
    Files.writeString(dir.resolve("ignored.txt"), "not: yaml: at all:");
    List<Policy> ps = PolicyLoader.loadDirectory(dir);
    assertEquals(1, ps.size());
    Policy p = ps.get(0);
    assertEquals(Set.of("ai-agents"), p.groups());
    assertTrue(p.redactLiterals());
    assertEquals(3, p.rules().size());
    assertEquals(List.of("db-owners"), p.rules().get(1).approverGroups());
    assertEquals(Set.of("my_func", "*"), p.rules().get(2).functions());
    assertEquals("hash", p.masking().get(0).strategy());
  }

  @Test
  void maskingEntriesKeepEverySelector() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), GOOD + """
          masking:
            - columns: ["public.customers.email", "*.*.card_number"]
              strategy: partial
            - name: contact-aliases
              names: ["*email*", "Phone"]
              classifiers: [secret, card]
              strategy: "null"
            - classifiers: [iban]
              strategy: redact
      """);
    List<Policy.Masking> m = PolicyLoader.loadDirectory(dir).get(0).masking();
    assertEquals(new Policy.Masking("p#1", List.of("public.customers.email", "*.*.card_number"), List.of(), Set.of(),
        "partial"), m.get(0));
    assertEquals(new Policy.Masking("contact-aliases", List.of(), List.of("*email*", "Phone"),
        Set.of(Classifier.CARD, Classifier.SECRET), "null"), m.get(1));
    assertEquals(List.of(Classifier.CARD, Classifier.SECRET), List.copyOf(m.get(1).classifiers()),
        "classifiers in declaration order, whatever the file's order");
    assertEquals("p#3", m.get(2).name(), "the default name counts entries from 1, named ones included");
    assertEquals(Set.of(Classifier.IBAN), m.get(2).classifiers());
  }

  @Test
  void maskingEntryErrors() throws IOException {
    String masking = GOOD + """
          masking:
            - columns: ["public.customers.email"]
              strategy: redact
      """;
    assertRefused(masking.replace("columns:", "colums:"), "a.yaml:11:9: unknown key 'colums' in masking entry "
        + "(expected one of: name, columns, names, classifiers, strategy)");
    assertRefused(masking.replace("public.customers.email", "a.b.c.d"), "a.yaml:11:9: masking entry 'p#1': "
        + "column glob 'a.b.c.d' must be [schema.][table.]column with no empty part (e.g. *.*.card_number)");
    assertRefused(masking.replace("public.customers.email", "public..email"), "column glob 'public..email'");
    assertRefused(masking.replace("public.customers.email", "public.t."), "column glob 'public.t.'");
    assertRefused(masking.replace("columns: [\"public.customers.email\"]", "classifiers: [card, cc]"),
        "a.yaml:11:9: masking entry 'p#1': unknown classifier 'cc' (expected one of: card, email, ssn, phone, "
        + "iban, secret)");
    assertRefused(masking.replace("columns: [\"public.customers.email\"]", "classifiers: card"),
        "'classifiers' in masking entry must be a list of strings, got 'card'");
    assertRefused(masking.replace("columns: [\"public.customers.email\"]", "name: m"),
        "a.yaml:11:9: masking entry 'm' selects nothing (give columns, names and/or classifiers)");
    assertRefused(masking.replace("columns: [\"public.customers.email\"]", "columns: []\n        names: []"),
        "masking entry 'p#1' selects nothing");
    assertRefused(masking.replace("        strategy: redact\n", ""),
        "a.yaml:11:9: missing required key 'strategy' in masking entry (one of: hash, null, partial, redact)");
    assertRefused(masking.replace("strategy: redact", "strategy: scramble"),
        "a.yaml:12:19: 'strategy' in masking entry must be one of: hash, null, partial, redact; got 'scramble'");
    assertRefused(masking + "      - name: p#1\n        names: [x]\n        strategy: hash\n",
        "a.yaml:13:9: duplicate masking entry name 'p#1' in policy 'p'");
  }

  @Test
  void samplePoliciesLoad() {
    List<Policy> ps = PolicyLoader.loadDirectory(Path.of("policies"));
    assertEquals(List.of("agents-read-public", "db-owners", "reporting-read-orders", "agents-on-dev-box",
        "ops-on-dev-box"),
        ps.stream().map(Policy::name).toList());
    assertFalse(ps.get(0).redactLiterals());
    assertTrue(ps.get(2).redactLiterals());
  }

  @Test
  void globs() {
    TableGlob g = new TableGlob("public.*_schema");
    assertTrue(g.matches("public.code_schema", false));
    assertFalse(g.matches("public.code_schemas", false));
    assertFalse(g.matches("other.code_schema", false));
    assertTrue(new TableGlob("*.secrets").matches("public.secrets", false));
    assertTrue(new TableGlob("public.t?").matches("public.t1", false));
    assertFalse(new TableGlob("public.t?").matches("public.t12", false));
    assertFalse(new TableGlob("public.Orders").matches("public.orders", false));
    // a quoted schema may start with '*': the glob's star must stay a star there, or a deny would miss it
    assertTrue(new TableGlob("*.secrets").matches("*x.secrets", true));
    assertTrue(new TableGlob("*.secrets").matches("*.secrets", false));
    assertTrue(new TableGlob("public.Orders").matches("public.orders", true));
    assertTrue(new TableGlob("*").matches("pg_catalog.pg_authid", false));
  }
}
