package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.activities.NodeActivities.NodeState;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.NodeRole;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.RebuildSettings;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The decisions of {@code ReplicaRebuild}, on facts activities returned. Pure, so workflow code may call it. */
public final class RebuildChecks {
  private RebuildChecks() {}

  /** The primary to copy from; SafetyRefused when there is none, or when it is the replica itself (invariant 5). */
  static String sourcePrimary(Topology t, String replica) {
    if (t.primary() == null) {
      throw ApplicationFailure.newNonRetryableFailure("cluster " + t.cluster() + " has no single reachable primary ("
          + (t.problem() == null ? roles(t) : t.problem()) + "): nothing to copy from; " + replica
          + " left untouched", FailureTypes.SAFETY_REFUSED);
    }
    if (t.primary().equals(replica)) {
      throw ApplicationFailure.newNonRetryableFailure(replica + " is the primary of cluster " + t.cluster()
          + " (pg_is_in_recovery() = false): a replica rebuild never wipes the primary; nothing was done",
          FailureTypes.SAFETY_REFUSED);
    }
    return t.primary();
  }

  /** The node's own view right before the stop: a running server that is not in recovery is a primary. */
  public static void notPrimaryOnNode(NodeState s, Topology t) {
    if (s.running() && !Boolean.TRUE.equals(s.inRecovery())) {
      throw ApplicationFailure.newNonRetryableFailure(s.node() + " runs and is not in recovery"
          + (s.inRecovery() == null ? " (it did not answer pg_is_in_recovery())" : " (it is a primary)")
          + ": refusing to stop it; nothing was done", FailureTypes.SAFETY_REFUSED);
    }
    if (!s.running() && t.primary() == null) {
      throw ApplicationFailure.newNonRetryableFailure(s.node() + " is down (" + controlState(s)
          + ") and the cluster has no other reachable primary: refusing to rebuild it", FailureTypes.SAFETY_REFUSED);
    }
  }

  /** Free space next to the data dir must hold a fresh copy (the old one stays on disk until the end). */
  static long requireDisk(NodeState s, Topology t, RebuildSettings settings) {
    long needed = (long) Math.ceil(t.databaseBytes() * settings.diskHeadroom());
    if (s.freeBytes() < needed) {
      throw ApplicationFailure.newNonRetryableFailure("not enough free disk on " + s.node() + " for a fresh copy: "
          + bytes(s.freeBytes()) + " free next to " + s.dataDir() + ", " + bytes(needed) + " needed ("
          + bytes(t.databaseBytes()) + " on " + t.primary() + " × headroom " + settings.diskHeadroom()
          + "); nothing was done", FailureTypes.SAFETY_REFUSED);
    }
    return needed;
  }

  /** Why the replica needs a rebuild, in the approver's words. */
  static String why(NodeState s, Topology t) {
    if (!s.running()) {
      return "down (" + controlState(s) + ")";
    }
    if (t.replicaState() == null) {
      return "running but not streaming from " + t.primary();
    }
    if (!"streaming".equals(t.replicaState())) {
      return "replication state " + t.replicaState();
    }
    return String.format(Locale.ROOT, "streaming, replay lag %.1f s", t.replayLagSeconds());
  }

  /** Every command and statement, in the order the run will execute them. */
  static List<String> plan(NodePlan n, String replica, String primary, String slot, RebuildSettings s) {
    List<String> plan = new ArrayList<>();
    n.stop().forEach(c -> plan.add("[" + replica + "] " + c));
    n.moveAside().forEach(c -> plan.add("[" + replica + "] " + c));
    plan.add("[" + primary + "] SELECT pg_drop_replication_slot('" + slot + "') WHERE EXISTS (slot " + slot + ")");
    plan.add("[" + primary + "] SELECT pg_create_physical_replication_slot('" + slot + "', true)");
    n.baseBackup().forEach(c -> plan.add("[" + replica + "] " + c));
    n.start().forEach(c -> plan.add("[" + replica + "] " + c));
    plan.add("[" + primary + "] SELECT state, replay_lag FROM pg_stat_replication WHERE application_name = '"
        + replica + "' -- until streaming and lag < " + s.catchUpLagSeconds() + " s");
    if (s.keepOldDataDir()) {
      plan.add("[" + replica + "] keep " + n.oldCopy() + " (keepOldDataDir: true)");
    } else {
      n.removeOld().forEach(c -> plan.add("[" + replica + "] " + c));
    }
    return plan;
  }

  public static String bytes(long b) {
    if (b < 1024 * 1024) {
      return b + " B";
    }
    double mib = b / (1024.0 * 1024);
    return mib < 1024 ? String.format(Locale.ROOT, "%.1f MiB", mib)
        : String.format(Locale.ROOT, "%.2f GiB", mib / 1024);
  }

  private static String controlState(NodeState s) {
    return s.controlState() != null ? "pg_controldata: " + s.controlState()
        : "pg_controldata unreadable: " + s.controlError();
  }

  private static String roles(Topology t) {
    List<String> parts = new ArrayList<>();
    for (NodeRole r : t.nodes()) {
      parts.add(r.name() + " " + (!r.reachable() ? "down" : Boolean.TRUE.equals(r.inRecovery()) ? "replica" : "primary"));
    }
    return String.join(", ", parts);
  }
}
