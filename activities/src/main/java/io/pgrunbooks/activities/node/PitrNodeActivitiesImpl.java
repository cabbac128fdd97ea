package io.pgrunbooks.activities.node;

import static io.pgrunbooks.activities.ActivitySupport.heartbeat;

import io.pgrunbooks.activities.ActivitySupport;
import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.config.ClusterConfig;
import io.pgrunbooks.config.NodeConfig;
import io.pgrunbooks.config.PgBackRestConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code PointInTimeRestore into: node} on this agent's own node: the restore goes into
 * {@code <dataDir>.partial-<runId>} (never started), is renamed to the data directory once pgBackRest finished, and is
 * started with the node's own start command; then PostgreSQL replays to the target and pauses there, read-only.
 * Tablespaces are restored under {@code <dataDir>.tablespaces-<runId>}.
 */
public class PitrNodeActivitiesImpl implements PitrNodeActivities {
  private final RunbooksConfig config;
  private final String nodeName;
  private final Map<String, String> env;
  private final NodeActivitiesImpl nodes;
  private final ConnectionFactory connections;

  public PitrNodeActivitiesImpl(RunbooksConfig config, String nodeName, Map<String, String> env) {
    this.config = config;
    this.nodeName = nodeName;
    this.env = env;
    this.nodes = new NodeActivitiesImpl(config, nodeName, env);
    this.connections = new ConnectionFactory(config, () -> env, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  @Override
  public NodeRestore restoreNodeToTarget(NodeRestoreCall call) {
    ReplicaRebuilder node = nodes.rebuilder(call.cluster(), call.node());
    ClusterConfig cluster = Lookups.cluster(config, call.cluster());
    PgBackRestConfig b = PgBackRestRestore.config(cluster, call.cluster());
    NodeConfig own = Lookups.node(cluster, call.cluster(), nodeName);
    Path data = node.dataDir();
    Path part = node.partial(call.runId());
    if (!Files.isDirectory(node.oldCopy(call.runId()))) {
      throw ApplicationFailure.newNonRetryableFailure(data + " was not moved aside by this run (no "
          + node.oldCopy(call.runId()) + "): refusing to restore over it", FailureTypes.SAFETY_REFUSED);
    }
    double restoreSeconds = 0;
    // Renamed into place by an earlier attempt: that restore was complete (as ReplicaRebuilder's base backup).
    if (!Files.isDirectory(data) || Files.exists(part)) {
      restoreSeconds = restore(call, node, b, own, data, part);
    }
    if (!node.running()) {
      try {
        node.start();
      } catch (ApplicationFailure e) {
        throw ApplicationFailure.newNonRetryableFailure("the restored " + call.node() + " did not start: "
            + e.getOriginalMessage() + "\n" + tail(node), DrillScratchActivitiesImpl.FAILED);
      }
    }
    return call.promote() ? awaitPromoted(call, node, own, restoreSeconds)
        : awaitPaused(call, node, own, restoreSeconds);
  }

  private double restore(NodeRestoreCall call, ReplicaRebuilder node, PgBackRestConfig b, NodeConfig own, Path data,
                         Path part) {
    if (Files.exists(data)) {
      throw ApplicationFailure.newNonRetryableFailure(data + " exists but is not a restore made by this run: "
          + "refusing to restore over it", FailureTypes.SAFETY_REFUSED);
    }
    Path tablespaces = data.resolveSibling(data.getFileName() + ".tablespaces-" + call.runId());
    // Half a restore of a killed agent may still be written: stop it, start again from an empty directory.
    HostCommands.killProcessesUsing(part.toString());
    HostCommands.deleteTree(part);
    HostCommands.deleteTree(tablespaces);
    try {
      Files.createDirectory(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      HostCommands.chown(part, own.runAs());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + part, e);
    }
    long t0 = System.nanoTime();
    List<String> restore = PgBackRestRestore.command(b, part, call.backupLabel(), call.targetType(), call.target(),
        call.promote() ? "promote" : "pause", tablespaces, call.promote());
    HostCommands.Result r = HostCommands.run(HostCommands.as(own.runAs(), restore), PgBackRestRestore.env(b, env),
        TimeUnit.HOURS.toSeconds(12), line -> { }, line -> line.contains("restore file") ? line.strip() : null);
    if (!r.ok()) {
      HostCommands.deleteTree(part);
      throw ApplicationFailure.newFailure("pgbackrest restore of " + call.backupLabel() + " into " + part
          + " failed (exit " + r.exitCode() + "): " + r.tail().strip(), "PgBackRestRestoreFailed");
    }
    try {
      // pgBackRest wrote restore_command with --pg1-path of where it restored: it must name the data directory.
      Path autoConf = part.resolve("postgresql.auto.conf");
      Files.writeString(autoConf, Files.readString(autoConf).replace("--pg1-path=" + part, "--pg1-path=" + data));
      Files.move(part, data, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + part + " to " + data, e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Waits until recovery is paused at the target ({@code pg_get_wal_replay_pause_state() = 'paused'}), or fails with
   * the server's log when it stopped (a target never reached, WAL missing from the repository) or ended recovery.
   */
  private NodeRestore awaitPaused(NodeRestoreCall call, ReplicaRebuilder node, NodeConfig own,
                                  double restoreSeconds) {
    long started = System.nanoTime();
    while (true) {
      try (Connection c = connections.open(call.cluster(), nodeName, "postgres"); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), pg_get_wal_replay_pause_state(), "
               + "pg_last_wal_replay_lsn()::text")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw ApplicationFailure.newNonRetryableFailure("the restored " + call.node() + " ended recovery instead of "
              + "pausing at the target (recovery_target_action overridden?): " + tail(node),
              DrillScratchActivitiesImpl.FAILED);
        }
        if ("paused".equals(rs.getString(2))) {
          return new NodeRestore(node.dataDir().toString(), own.port(), restoreSeconds, stopLine(node),
              rs.getString(3), null, null);
        }
        heartbeat("replaying, at " + rs.getString(3));
      } catch (java.sql.SQLException | ConnectionFactory.NodeConnectException e) {
        notAnswering(call, node, started, e);
      }
      ActivitySupport.pause(500, DrillScratchActivitiesImpl.FAILED + "Interrupted");
    }
  }

  /** Every recovery target setting pgBackRest may write, reset once the restored primary has promoted. */
  static final List<String> RECOVERY_TARGET_RESETS = java.util.stream.Stream.of("recovery_target",
      "recovery_target_lsn", "recovery_target_name", "recovery_target_time", "recovery_target_xid",
      "recovery_target_inclusive", "recovery_target_action", "recovery_target_timeline")
      .map(g -> "ALTER SYSTEM RESET " + g).toList();

  /**
   * into: inPlace: waits until recovery ended (promoted at the target), then writes ({@code txid_current()}, a WAL
   * switch) and waits until that segment of the new timeline is archived: the restored primary writes and archives.
   */
  private NodeRestore awaitPromoted(NodeRestoreCall call, ReplicaRebuilder node, NodeConfig own,
                                    double restoreSeconds) {
    long started = System.nanoTime();
    String segment = null;
    while (true) {
      try (Connection c = connections.open(call.cluster(), nodeName, "postgres"); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
          rs.next();
          if (rs.getBoolean(1)) {
            heartbeat("recovering");
            ActivitySupport.pause(500, DrillScratchActivitiesImpl.FAILED + "Interrupted");
            continue;
          }
        }
        if (segment == null) {
          // pgBackRest's recovery target stays in postgresql.auto.conf after the promotion; a replica copied from
          // this primary (pg_basebackup copies the file) would stop at that past target on its first new commit and
          // promote itself. Inert here (no signal file), so reset it before anyone copies the primary.
          try {
            for (String q : RECOVERY_TARGET_RESETS) {
              s.execute(q);
            }
          } catch (java.sql.SQLException e) {
            throw ApplicationFailure.newNonRetryableFailure("the restored primary " + call.node() + " promoted, but "
                + "resetting pgBackRest's recovery target in postgresql.auto.conf failed (" + e.getMessage()
                + "): a replica copied from it would stop at that target and promote itself",
                DrillScratchActivitiesImpl.FAILED);
          }
          try (ResultSet rs = s.executeQuery("SELECT txid_current(), pg_walfile_name(pg_switch_wal())")) {
            rs.next();
            segment = rs.getString(2);
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT coalesce(last_archived_wal, ''), pg_current_wal_lsn()::text "
            + "FROM pg_stat_archiver")) {
          rs.next();
          if (rs.getString(1).compareTo(segment) >= 0) {
            return new NodeRestore(node.dataDir().toString(), own.port(), restoreSeconds, stopLine(node),
                rs.getString(2), segment.substring(0, 8), rs.getString(1));
          }
        }
        if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
          throw ApplicationFailure.newNonRetryableFailure("the restored primary " + call.node() + " wrote but did not "
              + "archive WAL segment " + segment + " within 10 minutes: see pg_stat_archiver and the pgBackRest log",
              DrillScratchActivitiesImpl.FAILED);
        }
        heartbeat("waiting for " + segment + " in the repository");
      } catch (java.sql.SQLException | ConnectionFactory.NodeConnectException e) {
        notAnswering(call, node, started, e);
      }
      ActivitySupport.pause(500, DrillScratchActivitiesImpl.FAILED + "Interrupted");
    }
  }

  /** A server that does not answer yet: still starting (heartbeat), or stopped (the log's tail says why). */
  private static void notAnswering(NodeRestoreCall call, ReplicaRebuilder node, long started, Exception e) {
    if (!node.running() && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(2)) {
      throw ApplicationFailure.newNonRetryableFailure("the restored " + call.node() + " stopped before recovery "
          + "reached the target: " + tail(node), DrillScratchActivitiesImpl.FAILED);
    }
    heartbeat("starting: " + e.getMessage());
  }

  /** The last "recovery stopping" line of the node's log: a pause happens only at a reached target, after it. */
  private static String stopLine(ReplicaRebuilder node) {
    List<String> stops = DrillScratchActivitiesImpl.read(node.logFile()).lines().filter(l -> l.contains("recovery stopping")).toList();
    return stops.isEmpty() ? null : stops.get(stops.size() - 1).strip();
  }

  private static String tail(ReplicaRebuilder node) {
    return DrillScratchActivitiesImpl.tail(node.logFile());
  }
}
