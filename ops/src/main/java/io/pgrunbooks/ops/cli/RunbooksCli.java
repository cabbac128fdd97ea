package io.pgrunbooks.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runbooks} command line. */
@Command(name = "runbooks", mixinStandardHelpOptions = true,
    subcommands = {DevCommand.class},
    description = "Run PostgreSQL runbooks as Temporal workflows.")
public final class RunbooksCli {
  public static void main(String[] args) {
    System.exit(new CommandLine(new RunbooksCli()).execute(args));
  }
}
