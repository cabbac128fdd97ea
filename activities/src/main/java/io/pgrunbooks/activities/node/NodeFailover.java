package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.FenceResult;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StandbyInput;
import io.pgrunbooks.workflows.activities.FailoverNodeActivities.StopResult;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Host-local failover steps for one node, built on the commands of {@link ReplicaRebuilder} (stop, start, tools,
 * passfile) so that both runbooks run the same, configured commands.
 */
final class NodeFailover {
  private static final Pattern CHECKPOINT = Pattern.compile("Latest checkpoint location:\\s*([0-9A-Fa-f]+)/([0-9A-Fa-f]+)");
  private static final Pattern STATE = Pattern.compile("Database cluster state:\\s*(.+)");

  private final ReplicaRebuilder node;
  private final ClusterConfig cluster;
  private final NodeConfig config;

  private final ConnectionFactory connections;
  private final String clusterName;

  NodeFailover(ReplicaRebuilder node, ClusterConfig cluster, String clusterName, NodeConfig config,
               ConnectionFactory connections) {
    this.node = node;
    this.clusterName = clusterName;
    this.connections = connections;
    this.cluster = cluster;
    this.config = config;
  }

  StopResult stopForSwitchover() {
    boolean wasRunning = node.running();
    List<String> commands = new ArrayList<>();
    if (wasRunning) {
      List<String> cmd = node.stopCommand(false);
      commands.add(String.join(" ", cmd));
      HostCommands.Result r = HostCommands.run(HostCommands.as(config.runAs(), node.runnable(cmd)), Map.of(),
          cluster.rebuild().stopTimeout().toSeconds() + 30, l -> { });
      if (node.running()) {
        throw ApplicationFailure.newFailure("PostgreSQL on " + config.name() + " still runs after a fast stop: "
            + ReplicaRebuilder.last(node.redacted(r.tail(), cmd)), "StopFailed");
      }
    }
    String control = controlData();
    Matcher state = STATE.matcher(control);
    String st = state.find() ? state.group(1).strip() : "unknown";
    if (!st.equals("shut down")) {
      // A crashed primary has no final checkpoint to wait for: that is a failover, not a switchover.
      throw ApplicationFailure.newNonRetryableFailure(config.name() + " is not shut down cleanly (pg_controldata: "
          + st + "): no final LSN to wait for", FailureTypes.SAFETY_REFUSED);
    }
    Matcher m = CHECKPOINT.matcher(control);
    if (!m.find()) {
      throw ApplicationFailure.newNonRetryableFailure("pg_controldata of " + config.name() + " shows no checkpoint",
          "ControlDataUnreadable");
    }
    long lsn = (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
    String text = m.group(1) + "/" + m.group(2);
    return new StopResult((wasRunning ? "stopped " : "already stopped: ") + config.name() + " cleanly; shutdown "
        + "checkpoint at " + text, lsn, text, wasRunning);
  }

  FenceResult fence(String fenceCommand) {
    List<String> cmd = fenceCommand != null ? node.split(fenceCommand) : node.stopCommand(true);
    if (fenceCommand == null && !node.running()) {
      return new FenceResult(true, "PostgreSQL on " + config.name() + " is not running", null);
    }
    // cmd is the template (shown in the result, so in history); only the process gets the substituted values.
    HostCommands.Result r = HostCommands.run(HostCommands.as(config.runAs(), node.runnable(cmd)), Map.of(),
        cluster.rebuild().stopTimeout().toSeconds() + 30, l -> { });
    boolean stopped = !node.running();
    return new FenceResult(stopped, (stopped ? "PostgreSQL on " + config.name() + " is not running after "
        : "PostgreSQL on " + config.name() + " STILL RUNS after ") + String.join(" ", cmd) + " (exit " + r.exitCode()
        + ")", String.join(" ", cmd));
  }

  /**
   * {@code pg_ctl promote -w}, then {@code ALTER SYSTEM RESET} of primary_conninfo and primary_slot_name and
   * {@code pg_reload_conf()} over SQL, so that the new primary no longer names the primary it followed.
   */
  CommandOutcome promote(long timeoutSeconds) {
    if (!node.running()) {
      throw ApplicationFailure.newNonRetryableFailure("PostgreSQL on " + config.name() + " is not running: cannot "
          + "promote it", FailureTypes.SAFETY_REFUSED);
    }
    List<String> cmd = List.of(node.tool("pg_ctl"), "-D", node.dataDir().toString(), "-w", "-t",
        Long.toString(timeoutSeconds), "promote");
    HostCommands.Result r = HostCommands.run(HostCommands.as(config.runAs(), cmd), timeoutSeconds + 30);
    String summary = "promoted " + config.name();
    if (!r.ok()) {
      if (!r.tail().contains("not in standby mode")) {
        throw ApplicationFailure.newFailure("pg_ctl promote on " + config.name() + " failed (exit " + r.exitCode()
            + "): " + ReplicaRebuilder.last(r.tail()), "PromoteFailed");
      }
      // A retry after a promotion whose answer was lost.
      summary = config.name() + " is already out of recovery";
    }
    List<String> commands = new ArrayList<>(List.of(String.join(" ", cmd)));
    return new CommandOutcome(summary + forgetUpstream(commands), commands, r.tail(), 0);
  }

  /**
   * A promoted standby keeps the primary_conninfo and primary_slot_name of the primary it followed: resets them
   * through the server (which owns postgresql.auto.conf while it runs) so that {@code SHOW primary_conninfo} on the
   * new primary tells the truth. The promotion stands either way, so a failure here is reported in the outcome,
   * not thrown.
   */
  private String forgetUpstream(List<String> commands) {
    List<String> sql = List.of("ALTER SYSTEM RESET primary_conninfo", "ALTER SYSTEM RESET primary_slot_name",
        "SELECT pg_reload_conf()");
    try (Connection c = connections.open(clusterName, config.name(), "postgres"); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
        commands.add(q);
      }
      return "";
    } catch (ConnectionFactory.NodeConnectException | SQLException e) {
      return "; resetting its old primary_conninfo and primary_slot_name failed (they stay until reset by hand): "
          + ActivitySupport.firstLine(e.getMessage());
    }
  }

  private static List<String> withoutStandbySettings(List<String> lines) {
    return lines.stream().filter(l -> !l.strip().startsWith("primary_conninfo")
        && !l.strip().startsWith("primary_slot_name")).toList();
  }

  /**
   * pg_rewind from the new primary, keeping this node's own *.conf files, then standby settings and start. The own
   * files are saved once, before the first pg_rewind, to {@link #savedConfig()} beside the data directory: a retry
   * after an attempt that died mid-rewind restores those, not the source's copies pg_rewind had already written.
   */
  CommandOutcome rewind(StandbyInput in) {
    List<String> done = new ArrayList<>();
    CommandOutcome stopped = node.stop();
    done.addAll(stopped.commands());
    checkpoint(in.primary());
    Path data = node.dataDir();
    Path saved = savedConfig();
    int ownFiles = saveConfig(data, saved);
    Path passFile = data.resolveSibling("." + data.getFileName() + ".rewind.pgpass");
    List<String> cmd = List.of(node.tool("pg_rewind"), "--target-pgdata=" + data, "--source-server=host="
        + in.primaryHost() + " port=" + in.primaryPort() + " user=" + cluster.credentials().user() + " dbname=postgres",
        "--progress");
    HostCommands.Result r;
    try {
      Map<String, String> env = node.writePassFile(passFile);
      r = HostCommands.run(HostCommands.as(config.runAs(), cmd), env, 3600, line -> { },
          ReplicaRebuilder.Progress::of);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("pg_rewind of " + config.name() + " could not start: " + e.getMessage(),
          "RewindFailed");
    } finally {
      deleteQuietly(passFile);
    }
    done.add("PGPASSFILE=<0600 temp file> " + String.join(" ", cmd));
    if (!r.ok()) {
      throw ApplicationFailure.newNonRetryableFailure("pg_rewind of " + config.name() + " from " + in.primary()
          + " failed (exit " + r.exitCode() + "): " + ReplicaRebuilder.last(r.tail()), "RewindFailed");
    }
    restoreConfig(saved, data);
    done.add("restored " + config.name() + "'s own " + ownFiles + " config files from " + saved);
    standbySettings(in);
    done.add("standby.signal; primary_conninfo host=" + in.primaryHost() + " port=" + in.primaryPort()
        + "; primary_slot_name " + in.slot());
    CommandOutcome started = node.start();
    done.addAll(started.commands());
    ReplicaRebuilder.deleteTree(saved);
    done.add("rm -rf " + saved);
    return new CommandOutcome(config.name() + " rewound from " + in.primary() + " and started as its standby", done,
        r.tail(), 0);
  }

  /**
   * Restarts a replica as a standby of {@code in.primary()}. Refuses a node that is not a replica: running and not
   * in recovery, or stopped without standby.signal. The stop is the rebuild's: it fails when PostgreSQL still runs.
   */
  CommandOutcome follow(StandbyInput in) {
    List<String> done = new ArrayList<>();
    if (node.running()) {
      done.addAll(node.stop().commands());
    } else if (!Files.exists(node.dataDir().resolve("standby.signal"))) {
      throw ApplicationFailure.newNonRetryableFailure(config.name() + " is stopped and has no standby.signal: not a "
          + "replica, refusing to make it follow " + in.primary() + " (a former primary needs a rewind or rebuild)",
          FailureTypes.SAFETY_REFUSED);
    }
    // Only now: written into a running primary's data directory, standby.signal would demote it at its next start.
    standbySettings(in);
    done.addAll(node.start().commands());
    return new CommandOutcome(config.name() + " follows " + in.primary(), done, "", 0);
  }

  /** standby.signal plus primary_conninfo and primary_slot_name in postgresql.auto.conf (replacing older ones). */
  void standbySettings(StandbyInput in) {
    Path data = node.dataDir();
    String passFile = cluster.rebuild().streamingPassFile();
    String conninfo = "host=" + in.primaryHost() + " port=" + in.primaryPort() + " user=" + cluster.credentials().user()
        + " application_name=" + config.name() + (passFile == null ? "" : " passfile=''" + passFile + "''");
    try {
      Path auto = data.resolve("postgresql.auto.conf");
      List<String> lines = new ArrayList<>(Files.exists(auto)
          ? withoutStandbySettings(Files.readAllLines(auto, StandardCharsets.UTF_8)) : List.of());
      lines.add("primary_conninfo = '" + conninfo + "'");
      lines.add("primary_slot_name = '" + in.slot() + "'");
      writeOwned(auto, String.join("\n", lines) + "\n");
      Path signal = data.resolve("standby.signal");
      if (!Files.exists(signal)) {
        writeOwned(signal, "");
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot write standby settings in " + data + ": " + e.getMessage(),
          "StandbySettingsFailed");
    }
  }

  /**
   * PostgreSQL 15's pg_rewind reads the source's timeline from its control file, which a freshly promoted primary
   * updates only at its first checkpoint: without this, the rewound node cannot follow the new timeline.
   */
  private void checkpoint(String primary) {
    try (Connection c = connections.open(clusterName, primary, "postgres"); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (ConnectionFactory.NodeConnectException | SQLException e) {
      throw ApplicationFailure.newFailure("CHECKPOINT on " + primary + " before pg_rewind failed: " + e.getMessage(),
          FailureTypes.UNREACHABLE);
    }
  }

  private void writeOwned(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    HostCommands.chown(file, config.runAs());
  }

  private String controlData() {
    StringBuilder all = new StringBuilder();
    HostCommands.run(HostCommands.as(config.runAs(), List.of(node.tool("pg_controldata"), "-D",
        node.dataDir().toString())), Map.of(), 30, l -> all.append(l).append('\n'));
    return all.toString();
  }

  private Path savedConfig() {
    return node.rewindConfigDir();
  }

  /**
   * Copies the *.conf files of {@code data} to {@code saved}, unless {@code saved} exists: then it holds the copies
   * from before an earlier attempt's pg_rewind. Written under a temporary name and renamed, so that {@code saved}
   * only ever exists complete. Returns how many files {@code saved} holds.
   */
  private int saveConfig(Path data, Path saved) {
    try {
      if (!Files.isDirectory(saved)) {
        Path writing = saved.resolveSibling(saved.getFileName() + ".tmp");
        ReplicaRebuilder.deleteTree(writing);
        Files.createDirectory(writing);
        try (Stream<Path> files = Files.list(data)) {
          for (Path p : files.filter(NodeFailover::isConf).toList()) {
            Files.copy(p, writing.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
        Files.move(writing, saved, StandardCopyOption.ATOMIC_MOVE);
      }
      try (Stream<Path> files = Files.list(saved)) {
        return (int) files.count();
      }
    } catch (IOException | UncheckedIOException e) {
      throw ApplicationFailure.newFailure("cannot save the config files of " + data + " to " + saved + ": "
          + e.getMessage(), "RewindFailed");
    }
  }

  private void restoreConfig(Path saved, Path data) {
    try (Stream<Path> files = Files.list(saved)) {
      for (Path p : files.toList()) {
        Path target = data.resolve(p.getFileName());
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        HostCommands.chown(target, config.runAs());
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot restore config files from " + saved + " after pg_rewind: "
          + e.getMessage(), "RewindFailed");
    }
  }

  private static boolean isConf(Path p) {
    return p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // 0600 and removed by the next attempt
    }
  }
}
