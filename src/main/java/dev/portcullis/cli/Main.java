package dev.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar portcullis.jar <command>}: the entry point. Each subcommand has {@code --help}. */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Least-privilege access gateway for AI agents and other non-human identities.",
    subcommands = {
      ServeCommand.class, DevCommand.class, TokenCommand.class, PolicyCommand.class,
      AuditSinkCommand.class, AuditCommand.class, ReplayCommand.class, ApprovalsCommand.class, SshCertCommand.class,
      ApproverBotCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // Config and startup errors already name the file, line and cause; a stack trace would bury that.
          cmd.getErr().println("portcullis " + cmd.getCommandName() + ": " + describe(e));
          return 1;
        })
        .execute(args);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while ((root instanceof java.util.concurrent.ExecutionException
        || root instanceof java.util.concurrent.CompletionException) && root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"portcullis " + (v == null ? "(development build)" : v)};
    }
  }
}
