package dev.portcullis.policy;

import static dev.portcullis.policy.StatementKind.DDL;
import static dev.portcullis.policy.StatementKind.DELETE;
import static dev.portcullis.policy.StatementKind.EXPLAIN;
import static dev.portcullis.policy.StatementKind.INSERT;
import static dev.portcullis.policy.StatementKind.PREPARE;
import static dev.portcullis.policy.StatementKind.SELECT;
import static dev.portcullis.policy.StatementKind.SET;
import static dev.portcullis.policy.StatementKind.SHOW;
import static dev.portcullis.policy.StatementKind.TRANSACTION;
import static dev.portcullis.policy.StatementKind.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.config.YamlDocument;
import dev.portcullis.policy.sql.StatementAnalysis;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Evaluation semantics of design-notes §3, table-driven over hand-built analyses (no SQL parsing involved). */
class PolicyEvaluatorTest {
  static final List<Policy> POLICIES = PolicyLoader.load(YamlDocument.parse("test.yaml", """
      policies:
        - name: agents
          subjects: { groups: [ai-agents] }
          targets: [orders]
          rules:
            - name: read-public
              action: allow
              statements: [select]
              tables: ["public.*"]
            - name: no-secrets
              action: deny
              statements: [select, insert, update, delete]
              tables: ["*.secrets"]
            - name: writes-review
              action: review
              statements: [insert, update, delete]
              tables: ["public.*"]
              approvers: { groups: [db-owners] }
            - name: delete-tmp
              action: allow
              statements: [delete]
              tables: ["public.tmp_*"]
            - name: no-ddl
              action: deny
              statements: [ddl]
            - name: lower-fn
              action: allow
              statements: [select]
              tables: ["public.docs"]
              functions: [my_func]
            - name: no-rollback-in-audit
              action: deny
              statements: [transaction]
              tables: ["audit.*"]
        - name: owners
          subjects: { groups: [db-owners] }
          targets: [orders]
          rules:
            - name: all-funcs
              action: allow
              statements: [select]
              tables: ["reports.*"]
              functions: ["*"]
      """));

  static StatementAnalysis a(Set<StatementKind> kinds, Set<String> tables, Set<String> functions) {
    return new StatementAnalysis(kinds, tables, functions, null, null, null, null);
  }

  static StatementAnalysis set(String setting) {
    return new StatementAnalysis(Set.of(SET), Set.of(), Set.of(), setting, null, null, null);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, analysis, expected class, expected rule, reason fragment
        Arguments.of("allowed read", a(Set.of(SELECT), Set.of("public.orders"), Set.of("lower")),
            "Allow", "read-public", "select on public.orders is allowed"),
        Arguments.of("explicit deny wins over allow", a(Set.of(SELECT), Set.of("public.secrets"), Set.of()),
            "Deny", "no-secrets", "select on public.secrets is denied"),
        Arguments.of("deny matches ANY table", a(Set.of(SELECT), Set.of("public.orders", "vault.secrets"), Set.of()),
            "Deny", "no-secrets", "is denied"),
        Arguments.of("allow needs EVERY table", a(Set.of(SELECT), Set.of("public.orders", "private.x"), Set.of()),
            "Deny", null, "no rule allows select on private.x, public.orders"),
        Arguments.of("review beats allow", a(Set.of(DELETE), Set.of("public.tmp_1"), Set.of()),
            "Review", "writes-review", "delete on public.tmp_1 needs approval by db-owners"),
        Arguments.of("review on writes", a(Set.of(UPDATE), Set.of("public.orders"), Set.of()),
            "Review", "writes-review", "needs approval"),
        Arguments.of("write outside any rule", a(Set.of(INSERT), Set.of("other.t"), Set.of()),
            "Deny", null, "no rule allows insert on other.t"),
        Arguments.of("CTE select+delete needs both kinds (delete only reviewed)",
            a(Set.of(SELECT, DELETE), Set.of("public.orders"), Set.of()), "Review", "writes-review", ""),
        Arguments.of("CTE select+delete where select is not allowed",
            a(Set.of(SELECT, DELETE), Set.of("public.orders", "other.t"), Set.of()),
            "Deny", null, "no rule allows select, delete on other.t, public.orders"),
        Arguments.of("ddl denied", a(Set.of(DDL), Set.of("public.t"), Set.of()), "Deny", "no-ddl", "ddl on"),
        Arguments.of("transaction allowed by default", a(Set.of(TRANSACTION), Set.of(), Set.of()),
            "Allow", null, "transaction (no tables) is allowed by default"),
        Arguments.of("show allowed by default", a(Set.of(SHOW), Set.of(), Set.of()), "Allow", null, "by default"),
        Arguments.of("transaction can still be denied", a(Set.of(TRANSACTION), Set.of("audit.log"), Set.of()),
            "Deny", "no-rollback-in-audit", ""),
        Arguments.of("explain judged as its statement", a(Set.of(EXPLAIN, SELECT), Set.of("public.a"), Set.of()),
            "Allow", "read-public", ""),
        Arguments.of("explain of a denied read", a(Set.of(EXPLAIN, SELECT), Set.of("x.secrets"), Set.of()),
            "Deny", "no-secrets", ""),
        Arguments.of("prepare judged as its statement", a(Set.of(PREPARE, DELETE), Set.of("public.a"), Set.of()),
            "Review", "writes-review", ""),
        Arguments.of("no kinds at all", a(Set.of(), Set.of(), Set.of()), "Deny", null, "cannot analyze"),
        Arguments.of("unsupported", StatementAnalysis.unsupported("DO blocks are not supported"),
            "Deny", null, "cannot analyze statement: DO blocks are not supported"),
        Arguments.of("unsafe function", a(Set.of(SELECT), Set.of("public.a"), Set.of("pg_read_file")),
            "Deny", null, "function 'pg_read_file' is not allowed"),
        Arguments.of("safe built-in", a(Set.of(SELECT), Set.of("public.a"), Set.of("pg_catalog.upper", "now")),
            "Allow", "read-public", ""),
        Arguments.of("function named by a matching allow rule", a(Set.of(SELECT), Set.of("public.docs"),
            Set.of("my_func")), "Allow", "read-public", ""),
        Arguments.of("function named by a rule that does not match the tables",
            a(Set.of(SELECT), Set.of("public.orders"), Set.of("my_func")), "Deny", null, "function 'my_func'"),
        Arguments.of("functions: [*] does not leak to other policies' subjects (owners not applicable here)",
            a(Set.of(SELECT), Set.of("public.orders"), Set.of("dblink")), "Deny", null, "function 'dblink'"),
        Arguments.of("SET search_path fixed deny", set("search_path"), "Deny", null, "changing search_path"),
        Arguments.of("SET ROLE fixed deny", set("role"), "Deny", null, "changing role"),
        Arguments.of("SET SESSION AUTHORIZATION fixed deny", set("session_authorization"), "Deny", null, ""),
        Arguments.of("SET client_encoding fixed deny", set("client_encoding"), "Deny", null, ""),
        Arguments.of("SET standard_conforming_strings fixed deny", set("standard_conforming_strings"),
            "Deny", null, ""),
        Arguments.of("other SET needs a rule", set("work_mem"), "Deny", null, "no rule allows set"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, StatementAnalysis analysis, String kind, String rule, String reason) {
    Decision d = PolicyEvaluator.decide(List.of(POLICIES.get(0)), analysis);
    assertEquals(kind, d.getClass().getSimpleName(), d.toString());
    assertEquals(rule, d.rule(), d.toString());
    if (!d.reason().contains(reason)) {
      throw new AssertionError("reason '" + d.reason() + "' lacks '" + reason + "'");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownersCases")
  void functionsStarAllowsAnyFunctionOnlyWhereTheRuleMatches(String name, Set<String> tables, String kind) {
    Decision d = PolicyEvaluator.decide(List.of(POLICIES.get(1)),
        a(Set.of(SELECT), tables, Set.of("dblink", "my_schema.f")));
    assertEquals(kind, d.getClass().getSimpleName(), d.toString());
  }

  static Stream<Arguments> ownersCases() {
    return Stream.of(Arguments.of("reports", Set.of("reports.daily"), "Allow"),
        Arguments.of("not reports", Set.of("public.x"), "Deny"));
  }

  @org.junit.jupiter.api.Test
  void rulesCombineAcrossApplicablePolicies() {
    // select on reports.* comes from owners, the deny from agents: deny still wins
    Decision d = PolicyEvaluator.decide(POLICIES, a(Set.of(SELECT), Set.of("reports.secrets"), Set.of()));
    assertEquals("no-secrets", d.rule());
    d = PolicyEvaluator.decide(POLICIES, a(Set.of(SELECT), Set.of("reports.daily", "public.a"), Set.of()));
    assertEquals("Deny", d.getClass().getSimpleName(), "every table must match within one rule");
    d = PolicyEvaluator.decide(POLICIES, a(Set.of(SELECT), Set.of("reports.daily"), Set.of()));
    assertEquals("owners", d.policy());
    assertEquals("portcullis: denied by rule 'no-ddl' of policy 'agents': ddl on public.t is denied",
        PolicyEvaluator.decide(POLICIES, a(Set.of(DDL), Set.of("public.t"), Set.of())).clientMessage());
  }
}
