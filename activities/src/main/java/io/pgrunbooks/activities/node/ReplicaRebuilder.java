package io.pgrunbooks.activities.node;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.RebuildConfig;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.CommandOutcome;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host-local steps of a replica rebuild for one node. Every step checks what is already on disk first, so
 * a retry, or a new agent after a crash, converges to the same end state (DESIGN.md invariant 7). Side
 * directories: {@code <dataDir>.rebuild-<runId>} (the old data dir), {@code <dataDir>.partial-<runId>} (a copy
 * in progress; PostgreSQL is never started on it), {@code <dataDir>.failed-<runId>} (a new copy put aside by a restore).
 */
final class ReplicaRebuilder {
  private static final Pattern PROGRESS = Pattern.compile("(\\d+)/(\\d+) kB \\((\\d+)%\\)");

  private final ClusterConfig cluster;
  private final NodeConfig node;
  private final String clusterName;
  private final ConnectionFactory connections;
  private final Map<String, String> env;
  private final RebuildCommands commands;
  private final PassFiles passFiles;

  ReplicaRebuilder(ClusterConfig cluster, String clusterName, NodeConfig node, ConnectionFactory connections,
                   Map<String, String> env) {
    this.cluster = cluster;
    this.clusterName = clusterName;
    this.node = node;
    this.connections = connections;
    this.env = env;
    this.commands = new RebuildCommands(cluster, node, env, this);
    this.passFiles = new PassFiles(cluster, clusterName, node, env);
  }

  Path dataDir() {
    return Path.of(node.dataDir()).toAbsolutePath().normalize();
  }

  Path oldCopy(String runId) {
    return side("rebuild", runId);
  }

  /** Where a pg_rewind keeps this node's own *.conf files while it runs: beside the data directory. */
  Path rewindConfigDir() {
    Path data = dataDir();
    return data.resolveSibling(data.getFileName() + ".rewind-conf");
  }

  Path partial(String runId) {
    return side("partial", runId);
  }

  private Path side(String kind, String runId) {
    if (runId == null || !runId.matches("[A-Za-z0-9-]{1,64}")) {
      throw Lookups.badInput("bad run id '" + runId + "'");
    }
    return dataDir().resolveSibling(dataDir().getFileName() + "." + kind + "-" + runId);
  }

  /** Where a restore puts a new copy aside: {@code <dataDir>.failed-<runId>}. */
  Path failedCopy(String runId) {
    return side("failed", runId);
  }

  private RebuildConfig settings() {
    return cluster.rebuild();
  }

  // ---- commands (RebuildCommands: the plan shows exactly these) ----

  String tool(String name) {
    return commands.tool(name);
  }

  List<String> stopCommand(boolean immediate) {
    return commands.stopCommand(immediate);
  }

  List<String> startCommand() {
    return commands.startCommand();
  }

  /** See {@link RebuildCommands#logFile}. */
  Path logFile() {
    return commands.logFile();
  }

  List<String> baseBackupCommand(BaseBackupInput in) {
    return commands.baseBackupCommand(in);
  }

  List<String> runnable(List<String> cmd) {
    return commands.runnable(cmd);
  }

  String redacted(String text, List<String> cmd) {
    return commands.redacted(text, cmd);
  }

  List<String> split(String command) {
    return commands.split(command);
  }

  NodePlan plan(BaseBackupInput in) {
    return commands.plan(in);
  }

  /** See {@link PassFiles#writePassFile}. */
  Map<String, String> writePassFile(Path passFile) throws IOException {
    return passFiles.writePassFile(passFile);
  }


  // ---- facts ----

  boolean running() {
    if (!Files.isDirectory(dataDir())) {
      return false;
    }
    HostCommands.Result r = HostCommands.run(HostCommands.as(node.runAs(),
        List.of(tool("pg_ctl"), "-D", dataDir().toString(), "status")), 30);
    return r.exitCode() == 0 && !postmasterIsZombie();
  }

  /** A killed postmaster stays a zombie until PID 1 reaps it; pg_ctl status still calls that running. */
  private boolean postmasterIsZombie() {
    try {
      String pid = Files.readAllLines(dataDir().resolve("postmaster.pid")).get(0).strip();
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  NodeState state(String runId) {
    boolean exists = Files.isDirectory(dataDir());
    boolean running = running();
    Boolean inRecovery = running ? inRecovery() : null;
    String controlState = null;
    String controlError = null;
    if (exists) {
      StringBuilder all = new StringBuilder();
      HostCommands.Result r = HostCommands.run(HostCommands.as(node.runAs(),
          List.of(tool("pg_controldata"), "-D", dataDir().toString())), Map.of(), 30, l -> all.append(l).append('\n'));
      Matcher m = Pattern.compile("Database cluster state:\\s*(.+)").matcher(all);
      if (r.ok() && m.find()) {
        controlState = m.group(1).strip();
      } else {
        controlError = last(r.tail());
      }
    } else {
      controlError = dataDir() + " does not exist";
    }
    long free;
    try {
      free = Files.getFileStore(exists ? dataDir() : dataDir().getParent()).getUsableSpace();
    } catch (IOException e) {
      free = -1;
    }
    return new NodeState(node.name(), dataDir().toString(), exists, running, inRecovery, controlState, controlError,
        Files.isDirectory(oldCopy(runId)), Files.isDirectory(partial(runId)), free, NodeActivitiesImpl.hostName());
  }

  /** pg_is_in_recovery() of the running node; null when it does not answer. */
  private Boolean inRecovery() {
    try (Connection c = connections.open(clusterName, node.name(), "postgres"); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      rs.next();
      return rs.getBoolean(1);
    } catch (Exception e) {
      return null;
    }
  }

  // ---- steps ----

  /**
   * Stops a replica: fast, then immediate. Refuses (non-retryable SAFETY_REFUSED) a running node that is not in
   * recovery or does not say; fails (StopFailed) when PostgreSQL still runs after both. Not running: done.
   */
  CommandOutcome stop() {
    if (!running()) {
      return new CommandOutcome("PostgreSQL on " + node.name() + " is not running", List.of(), "", 0);
    }
    Boolean inRecovery = inRecovery();
    if (!Boolean.TRUE.equals(inRecovery)) {
      // Invariant 5, checked on the node itself at the moment of the stop.
      throw ApplicationFailure.newNonRetryableFailure(node.name() + " is running and "
          + (inRecovery == null ? "did not answer pg_is_in_recovery()" : "is not in recovery (a primary)")
          + ": refusing to stop it", FailureTypes.SAFETY_REFUSED);
    }
    List<String> commands = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    for (boolean immediate : new boolean[] {false, true}) {
      List<String> cmd = stopCommand(immediate);
      commands.add(String.join(" ", cmd));
      HostCommands.Result r = HostCommands.run(HostCommands.as(node.runAs(), runnable(cmd)), Map.of(),
          settings().stopTimeout().toSeconds() + 30, line -> { });
      out.append(redacted(r.tail(), cmd)).append('\n');
      if (!running()) {
        return new CommandOutcome("stopped " + node.name() + (immediate ? " (immediate)" : " (fast)"), commands,
            out.toString().strip(), 0);
      }
    }
    throw ApplicationFailure.newFailure("PostgreSQL on " + node.name() + " still runs after a fast and an immediate "
        + "stop: " + last(out.toString()), "StopFailed");
  }

  CommandOutcome moveAside(String runId) {
    Path data = dataDir();
    Path old = oldCopy(runId);
    if (Files.isDirectory(old)) {
      return new CommandOutcome(data + " already at " + old, List.of(), "", 0);
    }
    if (!Files.isDirectory(data)) {
      throw ApplicationFailure.newNonRetryableFailure(data + " does not exist and " + old + " neither: nothing to "
          + "move aside", FailureTypes.SAFETY_REFUSED);
    }
    if (running()) {
      throw ApplicationFailure.newNonRetryableFailure("PostgreSQL runs on " + data + ": refusing to move it",
          FailureTypes.SAFETY_REFUSED);
    }
    move(data, old);
    return new CommandOutcome("moved " + data + " to " + old, List.of("mv " + data + " " + old), "", 0);
  }

  CommandOutcome baseBackup(BaseBackupInput in) {
    Path data = dataDir();
    Path part = partial(in.runId());
    if (Files.isDirectory(data) && Files.isDirectory(oldCopy(in.runId())) && !Files.exists(part)) {
      // Renamed into place by an earlier attempt: that copy was complete.
      return new CommandOutcome("fresh copy already at " + data, List.of(), "", 0);
    }
    if (Files.exists(data)) {
      throw ApplicationFailure.newNonRetryableFailure(data + " exists but is not a copy made by this run: refusing "
          + "to copy over it", FailureTypes.SAFETY_REFUSED);
    }
    // A copy left by a killed agent may still be writing: stop it, then start again from an empty directory.
    int killed = HostCommands.killProcessesUsing(part.toString());
    deleteTree(part);
    Path passFile = part.resolveSibling("." + part.getFileName() + ".pgpass");
    List<String> cmd = baseBackupCommand(in);
    long[] bytes = {0};
    try {
      Files.createDirectory(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      HostCommands.chown(part, node.runAs());
      Map<String, String> childEnv = writePassFile(passFile);
      HostCommands.Result r = HostCommands.run(HostCommands.as(node.runAs(), cmd), childEnv, 24 * 3600, line -> { },
          line -> {
            Progress now = Progress.of(line);
            if (now != null) {
              bytes[0] = now.bytes();
            }
            return now;
          });
      if (!r.ok()) {
        deleteTree(part);
        throw ApplicationFailure.newFailure("pg_basebackup from " + in.primary() + " failed (exit " + r.exitCode()
            + "): " + last(r.tail()), "BaseBackupFailed");
      }
      passFiles.fixConnInfo(part.resolve("postgresql.auto.conf"));
      move(part, data);
      // A fresh copy: config files saved by an interrupted rewind of the old data directory no longer apply.
      deleteTree(rewindConfigDir());
      String summary = "copied " + bytes[0] + " bytes from " + in.primary() + " into " + data
          + (killed > 0 ? " (stopped " + killed + " leftover process(es) of an earlier attempt first)" : "");
      return new CommandOutcome(summary, List.of("PGPASSFILE=<0600 temp file> " + String.join(" ", cmd),
          "mv " + part + " " + data), r.tail(), bytes[0]);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("base backup into " + part + " failed: " + e.getMessage(), "BaseBackupFailed");
    } finally {
      try {
        Files.deleteIfExists(passFile);
      } catch (IOException e) {
        // best effort; it is 0600 and removed by the next attempt's finally
      }
    }
  }

  CommandOutcome start() {
    if (running()) {
      return new CommandOutcome("PostgreSQL on " + node.name() + " already runs", List.of(), "", 0);
    }
    if (!Files.isRegularFile(dataDir().resolve("PG_VERSION"))) {
      throw ApplicationFailure.newNonRetryableFailure(dataDir() + " is not a complete data directory: refusing to "
          + "start PostgreSQL on it", FailureTypes.SAFETY_REFUSED);
    }
    List<String> cmd = startCommand();
    HostCommands.Result r = HostCommands.run(HostCommands.as(node.runAs(), runnable(cmd)), 330);
    String tail = redacted(r.tail(), cmd);
    if (!r.ok() && !running()) {
      throw ApplicationFailure.newFailure("starting PostgreSQL on " + node.name() + " failed (exit " + r.exitCode()
          + "): " + last(tail), "StartFailed");
    }
    return new CommandOutcome("started PostgreSQL on " + node.name(), List.of(String.join(" ", cmd)), tail, 0);
  }

  CommandOutcome removeOld(String runId) {
    List<String> done = new ArrayList<>();
    for (Path p : List.of(oldCopy(runId), partial(runId))) {
      if (Files.exists(p)) {
        deleteTree(p);
        done.add("rm -rf " + p);
      }
    }
    return new CommandOutcome(done.isEmpty() ? "nothing to remove" : "removed " + oldCopy(runId), done, "", 0);
  }

  CommandOutcome restore(String runId) {
    Path data = dataDir();
    Path old = oldCopy(runId);
    List<String> done = new ArrayList<>();
    if (!Files.isDirectory(old)) {
      if (Files.isDirectory(data)) {
        return new CommandOutcome("nothing to restore: " + old + " is gone and " + data + " is in place", done, "", 0);
      }
      throw ApplicationFailure.newNonRetryableFailure(old + " does not exist: nothing to put back",
          FailureTypes.SAFETY_REFUSED);
    }
    HostCommands.killProcessesUsing(partial(runId).toString());
    if (running()) {
      List<String> cmd = stopCommand(true);
      HostCommands.run(HostCommands.as(node.runAs(), runnable(cmd)), settings().stopTimeout().toSeconds() + 30);
      done.add(String.join(" ", cmd));
    }
    if (Files.exists(data)) {
      Path failed = side("failed", runId);
      move(data, failed);
      done.add("mv " + data + " " + failed);
    }
    move(old, data);
    done.add("mv " + old + " " + data);
    return new CommandOutcome("put " + old + " back as " + data, done, "", 0);
  }

  // ---- helpers ----

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + from + " to " + to, e);
    }
  }

  static void deleteTree(Path root) {
    HostCommands.deleteTree(root);
  }

  static String last(String text) {
    List<String> lines = text.strip().lines().toList();
    return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
  }

  /** Heartbeat details of a running pg_basebackup or pg_rewind. */
  record Progress(long bytes, long totalBytes, int percent) {
    /** The progress a {@code --progress} line shows ("123/456 kB (26%) ..."), or null. */
    static Progress of(String line) {
      Matcher m = PROGRESS.matcher(line);
      return m.find() ? new Progress(Long.parseLong(m.group(1)) * 1024, Long.parseLong(m.group(2)) * 1024,
          Integer.parseInt(m.group(3))) : null;
    }
  }
}
