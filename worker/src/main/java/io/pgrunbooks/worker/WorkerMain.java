package io.pgrunbooks.worker;

import io.pgrunbooks.config.ConfigException;
import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the worker jar: {@code worker} runs the central worker (all workflows and the
 * central activities on queue {@code pg-runbooks}); {@code agent --node <name>} runs the node agent
 * of one host (host-local activities on {@code pg-runbooks-node-<name>}).
 */
@Command(name = "pg-runbooks-worker", mixinStandardHelpOptions = true, versionProvider = WorkerMain.Version.class,
    subcommands = {WorkerMain.Central.class, WorkerMain.Agent.class},
    description = "pg-runbooks worker and node agent processes.")
public final class WorkerMain {
  /** Exit code for a config that does not load or validate. */
  static final int EXIT_BAD_CONFIG = 2;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerMain()).execute(args));
  }

  /** {@code --version} on the jar and on both subcommands: the build's version and git commit. */
  static final class Version implements CommandLine.IVersionProvider {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public String[] getVersion() {
      // "pg-runbooks-worker agent 0.1.0 (commit ...)": says which process answered.
      return new String[] {io.pgrunbooks.config.BuildInfo.current().line(spec.qualifiedName())};
    }
  }

  abstract static class Base implements Callable<Integer> {
    @Option(names = "--config", description = "Config file (default: $RUNBOOKS_CONFIG).")
    Path config;

    RunbooksConfig loadConfig() {
      return ConfigLoader.fromArgsOrEnv(config == null ? null : config.toString());
    }

    @Override
    public Integer call() throws Exception {
      WorkerProcess process;
      try {
        process = start(loadConfig());
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return EXIT_BAD_CONFIG;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(process::close, "graceful-shutdown"));
      process.awaitTermination();
      return 0;
    }

    abstract WorkerProcess start(RunbooksConfig cfg);
  }

  @Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = WorkerMain.Version.class,
      description = "Run the central worker (queues pg-runbooks and pg-runbooks-heavy, or those of worker.queues).")
  static final class Central extends Base {
    @Option(names = "--queues", split = ",", paramLabel = "central|heavy",
        description = "Task queues to poll, overriding worker.queues: central (workflows, SQL, approvals), heavy "
            + "(exports, uploads, dumps, restores) or central,heavy.")
    java.util.List<String> queues;

    @Override
    WorkerProcess start(RunbooksConfig cfg) {
      RunbooksConfig effective = queues == null ? cfg : new RunbooksConfig(cfg.temporal(), cfg.worker().withQueues(queues),
          cfg.clusters(), cfg.archive(), cfg.approvals(), cfg.notifications(), cfg.schedules(), cfg.api(), cfg.backup());
      return WorkerProcess.central(effective, System.getenv());
    }
  }

  @Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = WorkerMain.Version.class,
      description = "Run the node agent of one host (queue pg-runbooks-node-<node>).")
  static final class Agent extends Base {
    @Option(names = "--node", required = true, description = "Node name from the config.")
    String node;

    @Override
    WorkerProcess start(RunbooksConfig cfg) {
      return WorkerProcess.agent(cfg, node, System.getenv());
    }
  }
}
