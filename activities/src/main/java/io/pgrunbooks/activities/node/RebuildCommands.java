package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.CommandTemplates;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The commands a replica rebuild runs on one node (pg_ctl stop/start or the configured ones, pg_basebackup)
 * and the plan a dry run shows: exactly these, so what is approved is what runs.
 */
final class RebuildCommands {
  private final ClusterConfig cluster;
  private final NodeConfig node;
  private final Map<String, String> env;
  private final ReplicaRebuilder layout;

  RebuildCommands(ClusterConfig cluster, NodeConfig node, Map<String, String> env, ReplicaRebuilder layout) {
    this.cluster = cluster;
    this.node = node;
    this.env = env;
    this.layout = layout;
  }

  String tool(String name) {
    return Path.of(node.binDir(), name).toString();
  }

  List<String> stopCommand(boolean immediate) {
    String configured = immediate ? cluster.rebuild().stopImmediateCommand() : cluster.rebuild().stopCommand();
    if (configured != null) {
      return split(configured);
    }
    return List.of(tool("pg_ctl"), "-D", layout.dataDir().toString(), "-m", immediate ? "immediate" : "fast", "-w", "-t",
        String.valueOf(cluster.rebuild().stopTimeout().toSeconds()), "stop");
  }

  List<String> startCommand() {
    if (cluster.rebuild().startCommand() != null) {
      return split(cluster.rebuild().startCommand());
    }
    // The port comes from the config: a fresh copy carries the primary's settings files.
    return List.of(tool("pg_ctl"), "-D", layout.dataDir().toString(), "-l", logFile().toString(), "-w", "-t", "300",
        "-o", "-p " + node.port(), "start");
  }

  List<String> baseBackupCommand(BaseBackupInput in) {
    return List.of(tool("pg_basebackup"), "-D", layout.partial(in.runId()).toString(), "-R", "-S", in.slot(), "-X", "stream",
        "-P", "-c", "fast", "-w", "-d", "host=" + in.primaryHost() + " port=" + in.primaryPort() + " user="
            + cluster.credentials().user() + " application_name=" + node.name());
  }

  /** Where the default start command has PostgreSQL log: {@code <dataDir>.log}. */
  Path logFile() {
    return layout.dataDir().resolveSibling(layout.dataDir().getFileName() + ".log");
  }

  /** The command as it runs: configured templates get their ${VAR}s only here, never in what is shown. */
  List<String> runnable(List<String> cmd) {
    try {
      return CommandTemplates.expand(cmd, env);
    } catch (IllegalStateException e) {
      throw Lookups.config(e.getMessage());
    }
  }

  String redacted(String text, List<String> cmd) {
    return CommandTemplates.redact(text, cmd, env);
  }

  List<String> split(String command) {
    return Stream.of(command.strip().split("\\s+"))
        .map(s -> s.replace("{node}", node.name()).replace("{dataDir}", layout.dataDir().toString())
            .replace("{port}", String.valueOf(node.port())))
        .toList();
  }

  NodePlan plan(BaseBackupInput in) {
    String data = layout.dataDir().toString();
    String old = layout.oldCopy(in.runId()).toString();
    String part = layout.partial(in.runId()).toString();
    List<String> stop = List.of(String.join(" ", stopCommand(false)),
        "(after " + cluster.rebuild().stopTimeout().toSeconds() + " s) " + String.join(" ", stopCommand(true)));
    List<String> copy = new ArrayList<>();
    copy.add("PGPASSFILE=<0600 temp file> " + String.join(" ", baseBackupCommand(in)));
    copy.add("edit " + part + "/postgresql.auto.conf: primary_conninfo passfile="
        + (cluster.rebuild().streamingPassFile() == null ? "(none)" : cluster.rebuild().streamingPassFile()));
    copy.add("mv " + part + " " + data);
    return new NodePlan(data, old, stop, List.of("mv " + data + " " + old), copy,
        List.of(String.join(" ", startCommand())), List.of("rm -rf " + old),
        List.of(String.join(" ", stopCommand(false)) + " (if running)", "mv " + data + " "
            + layout.failedCopy(in.runId()) + " (if present)", "mv " + old + " " + data));
  }
}
