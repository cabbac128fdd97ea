package io.pgrunbooks.ops.cli;

import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.config.ScheduleConfig;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code runbooks schedules apply}: Temporal's schedules made to match the config, idempotently. */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Create or update the Temporal Schedules of the config's `schedules` section.",
        "Re-applying an unchanged config changes nothing; a changed entry is updated (its paused state kept); "
            + "a schedule created by this command that is no longer in the config is listed, and deleted only "
            + "with --prune. Schedules created otherwise are never touched.",
        "Example: runbooks schedules apply --config ops/config/dev.yml --prune"},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:Temporal's schedules match the config (or, with --dry-run, the changes were printed)",
        "1:a config id is taken by a schedule this command did not create",
        "2:bad config",
        "3:namespace not found or Temporal unreachable"})
final class SchedulesApplyCommand extends TemporalCommand {
  @Option(names = "--config", paramLabel = "<file>", description = "Config file (default: $RUNBOOKS_CONFIG). Its "
      + "temporal section says where the schedules go, unless --address/--namespace/--tls* say otherwise.")
  String config;

  @Option(names = "--prune", description = "Delete the schedules this command created that are no longer in the config.")
  boolean prune;

  @Option(names = "--dry-run", description = "Print what would change; change nothing.")
  boolean dryRun;

  Map<String, String> env = System.getenv();

  private List<ScheduleConfig> wanted;

  @Override
  void validate() {
    RunbooksConfig cfg;
    try {
      cfg = ConfigLoader.fromArgsOrEnv(config, env);
    } catch (ConfigException e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage());
    }
    temporal.useConfig(cfg.temporal(), spec.commandLine().getParseResult());
    wanted = cfg.schedules();
    for (int i = 0; i < wanted.size(); i++) {
      RunbookSchedules.checkInput(wanted.get(i), i);
    }
  }

  @Override
  int run(TemporalSession session) {
    out().println("schedules of " + (config != null ? config : "$" + ConfigLoader.CONFIG_ENV) + " on " + temporal.address
        + ", namespace " + temporal.namespace + ":");
    ScheduleSync.Result r = new ScheduleSync(session.schedules(), dryRun, out()::println).apply(wanted, prune);
    out().println((dryRun ? "dry run, nothing changed: " : "") + r.created() + " created, " + r.updated()
        + " updated, " + r.unchanged() + " unchanged, " + r.deleted() + " deleted"
        + (r.notInConfig() > 0 ? ", " + r.notInConfig() + " not in config (kept; --prune deletes them)" : "")
        + (r.foreign() > 0 ? ", " + r.foreign() + " not ours (left alone)" : ""));
    if (!dryRun && r.created() + r.updated() > 0) {
      out().println("see them: runbooks schedules list" + temporal.connectionArgs());
    }
    return r.foreign() > 0 ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
