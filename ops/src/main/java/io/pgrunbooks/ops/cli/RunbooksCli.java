package io.pgrunbooks.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runbooks} command line. */
@Command(name = "runbooks", mixinStandardHelpOptions = true, versionProvider = RunbooksCli.Version.class,
    subcommands = {DevCommand.class, StartCommand.class, StatusCommand.class, ListCommand.class,
        ApproveCommand.class, RejectCommand.class, PartitionsCommand.class, SchedulesCommand.class,
        ArchivesCommand.class, SetupCommand.class, ReportsCommand.class, CancelCommand.class,
        TerminateCommand.class, CompletionCommand.class},
    description = "Run PostgreSQL runbooks as Temporal workflows.")
public final class RunbooksCli {
  public static void main(String[] args) {
    // PgJDBC logs through java.util.logging; its "unsupported server version" warning for
    // PgBouncer's admin console is noise on an operator's terminal.
    java.util.logging.Logger.getLogger("org.postgresql").setLevel(java.util.logging.Level.SEVERE);
    System.exit(new CommandLine(new RunbooksCli()).execute(args));
  }

  /** {@code runbooks --version}: the build's version and git commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {io.pgrunbooks.config.BuildInfo.current().line("runbooks")};
    }
  }
}
