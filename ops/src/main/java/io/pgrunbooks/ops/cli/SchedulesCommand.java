package io.pgrunbooks.ops.cli;

import picocli.CommandLine.Command;

/** {@code runbooks schedules}: the config's Temporal Schedules ({@code apply}, {@code list}). */
@Command(name = "schedules", mixinStandardHelpOptions = true,
    subcommands = {SchedulesApplyCommand.class, SchedulesListCommand.class},
    description = {"Temporal Schedules that start runbooks on a cron (config section `schedules`).",
        "  apply  create or update them from the config; --prune deletes the ones no longer in it",
        "  list   each schedule's workflow type, spec, paused state, next 3 runs and last result"})
final class SchedulesCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
