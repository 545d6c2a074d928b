package dev.portcullis.cli;

import dev.portcullis.config.ConfigLoader;
import dev.portcullis.config.GatewayConfig;
import dev.portcullis.identity.Identity;
import dev.portcullis.policy.Admission;
import dev.portcullis.policy.AdmitRequest;
import dev.portcullis.policy.Decision;
import dev.portcullis.policy.JudgeRequest;
import dev.portcullis.policy.JudgedCommand;
import dev.portcullis.policy.JudgedStatement;
import dev.portcullis.policy.Judgement;
import dev.portcullis.policy.PolicyEngine;
import dev.portcullis.policy.PolicyLoader;
import dev.portcullis.policy.SshAction;
import dev.portcullis.policy.SshJudgement;
import dev.portcullis.policy.SshRequest;
import dev.portcullis.policy.StatementKind;
import dev.portcullis.policy.sql.PostgresSqlAnalyzer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis policy …}: work with policies offline. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policies without connecting anywhere.",
    subcommands = PolicyCommand.Check.class)
final class PolicyCommand {
  static final int EXIT_ALLOW = 0;
  static final int EXIT_DENY = 10;
  static final int EXIT_REVIEW = 11;

  /**
   * Prints the decision for one SQL text as the gateway would make it for the given identity and target: each
   * statement's kinds, tables, decision, deciding rule and reason, then the message's overall decision. With
   * {@code --ssh} or {@code --ssh-action}, the same for an SSH request: each part of the command line, then the
   * request's decision.
   */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Print the decision, deciding rule and reason for SQL, or for an SSH request "
          + "(--ssh \"git status && ls\", --ssh-action subsystem sftp, --ssh-action port-forward db:5432, "
          + "--ssh-action shell).", "Exit 0 allow, 10 deny, 11 review."})
  static final class Check implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Gateway config (its policies directory is used).")
    Path config;

    @Option(names = "--groups", split = ",", defaultValue = "", description = "The identity's groups, comma-separated.")
    List<String> groups;

    @Option(names = "--subject", defaultValue = "policy-check", description = "The identity's subject (default: ${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--target", required = true, description = "Target name (as agents give it: dbname for PostgreSQL, the user name for SSH).")
    String target;

    @Option(names = "--ssh", paramLabel = "COMMAND",
        description = "Judge an SSH exec of this command line instead of SQL.")
    String sshCommand;

    @Option(names = "--ssh-action", paramLabel = "ACTION",
        description = "Judge an SSH request of this kind instead of SQL: exec, shell, subsystem, port-forward, "
            + "agent-forward, x11. exec, subsystem and port-forward take the command line, subsystem name or "
            + "host:port as the argument.")
    String sshAction;

    @Parameters(arity = "0..1", paramLabel = "SQL",
        description = "The SQL text (one message; may hold several statements); with --ssh-action: its detail.")
    String sql;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      SshAction action = sshRequested();
      GatewayConfig gateway = new ConfigLoader().load(config);
      PolicyEngine engine = new PolicyEngine(new PostgresSqlAnalyzer(), Runnable::run, 16,
          PolicyLoader.loadDirectory(gateway.policiesDir()));
      List<String> cleanGroups = groups.stream().filter(g -> !g.isBlank()).toList();
      Identity identity = new Identity(subject, cleanGroups, "policy-check", Instant.MAX);

      Admission admission = engine.admit(new AdmitRequest(identity, target));
      if (!admission.admitted()) {
        System.out.println("deny (connection refused): " + admission.reason());
        return EXIT_DENY;
      }
      if (action != null) {
        return checkSsh(engine, identity, action, sshCommand != null ? sshCommand : sql);
      }
      Judgement judgement = engine.judge(new JudgeRequest("policy-check", identity, target, sql, Map.of()))
          .toCompletableFuture().get();
      List<JudgedStatement> statements = judgement.statements();
      for (int i = 0; i < statements.size(); i++) {
        JudgedStatement st = statements.get(i);
        if (statements.size() > 1) {
          System.out.println("statement " + (i + 1) + ": " + st.text().strip());
        }
        System.out.println("  kinds:     " + st.kinds().stream().map(StatementKind::yamlName).sorted()
            .collect(Collectors.joining(", ")));
        System.out.println("  tables:    " + String.join(", ", st.tables()));
        if (!st.functions().isEmpty()) {
          System.out.println("  functions: " + String.join(", ", st.functions()));
        }
        System.out.println("  decision:  " + describe(st.decision()));
      }
      return exit(judgement.overall());
    }

    /** The SSH action asked for, or {@code null} for SQL; a usage error (exit 2) when the options disagree. */
    private SshAction sshRequested() {
      if (sshCommand == null && sshAction == null) {
        if (sql == null) {
          throw usage("give the SQL text, or --ssh COMMAND, or --ssh-action ACTION");
        }
        return null;
      }
      SshAction action = sshAction == null ? SshAction.EXEC : SshAction.fromYaml(sshAction);
      if (action == null) {
        throw usage("unknown --ssh-action '" + sshAction + "' (expected: exec, shell, subsystem, port-forward, "
            + "agent-forward, x11)");
      }
      if (sshCommand != null && (action != SshAction.EXEC || sql != null)) {
        throw usage("--ssh COMMAND is an exec: give it alone (no --ssh-action other than exec, no SQL)");
      }
      String detail = sshCommand != null ? sshCommand : sql;
      if (action.hasDetail() && detail == null) {
        throw usage("--ssh-action " + action.yamlName() + " needs its " + (action == SshAction.EXEC ? "command line"
            : action == SshAction.SUBSYSTEM ? "subsystem name" : "host:port") + " as the argument");
      }
      if (!action.hasDetail() && detail != null) {
        throw usage("--ssh-action " + action.yamlName() + " takes no argument");
      }
      return action;
    }

    private picocli.CommandLine.ParameterException usage(String message) {
      return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int checkSsh(PolicyEngine engine, Identity identity, SshAction action, String detail) {
      SshJudgement judgement = engine.judgeSsh(new SshRequest("policy-check", identity, target, action, detail));
      List<JudgedCommand> parts = judgement.parts();
      for (int i = 0; i < parts.size(); i++) {
        JudgedCommand part = parts.get(i);
        String where = part.depth() > 0 ? " (in a command substitution)" : "";
        System.out.println((action == SshAction.EXEC ? "command " + (i + 1) + where + ": " : "request: ")
            + part.text());
        if (action == SshAction.EXEC) {
          System.out.println("  matched as: " + part.normalized());
        }
        System.out.println("  decision:   " + describe(part.decision()));
      }
      return exit(judgement.overall());
    }

    private static int exit(Decision overall) {
      System.out.println(describe(overall));
      if (overall instanceof Decision.Allow) {
        return EXIT_ALLOW;
      }
      return overall instanceof Decision.Review ? EXIT_REVIEW : EXIT_DENY;
    }

    private static String describe(Decision d) {
      String name = d instanceof Decision.Allow ? "allow" : d instanceof Decision.Review ? "review" : "deny";
      String by = d.rule() == null ? "no matching rule" : "rule '" + d.rule() + "' of policy '" + d.policy() + "'";
      return name + " (" + by + "): " + d.reason();
    }
  }
}
