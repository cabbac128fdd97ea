package io.pgrunbooks.workflows.pitr;

import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import io.pgrunbooks.workflows.pitr.PitrNodeActivities.NodeRestore;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.NodeRole;
import io.pgrunbooks.workflows.activities.PostgresReplicationActivities.Topology;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.restoredrill.DrillRestoreCall;
import io.pgrunbooks.workflows.restoredrill.RestoreDrillRules;
import io.pgrunbooks.workflows.terminatesessions.TerminateRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The decisions of {@code PointInTimeRestore}, pure: input checks, the target, the backup, whether it was reached. */
public final class PitrRules {
  public static final String SCRATCH = "scratch";
  public static final String NODE = "node";
  public static final String IN_PLACE = "inPlace";
  public static final Duration DEFAULT_KEEP = Duration.ofHours(24);
  /** How often a kept scratch instance's run wakes to refresh the time left its progress shows. */
  public static final Duration PROGRESS_TICK = Duration.ofMinutes(10);

  private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");
  private static final Pattern RESTORE_POINT = Pattern.compile("[A-Za-z0-9_.:-]{1,63}");
  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})");
  /** WAL segment size pgBackRest's segment names are counted in (PostgreSQL's default, what initdb gives). */
  private static final long SEGMENT_BYTES = 16L * 1024 * 1024;

  private PitrRules() {}

  /**
   * Every problem of the input that needs no server, as sentences (empty when it is fine): cluster missing, not
   * exactly one target kind, an unparseable target, a time target in the future, an unknown {@code into}, the node
   * missing or given without {@code into: node}, a bad {@code keepFor}.
   */
  public static List<String> problems(PointInTimeRestoreInput in, long nowMicros) {
    List<String> out = new ArrayList<>();
    if (in == null) {
      return List.of("PointInTimeRestore needs an input, e.g. {\"cluster\": \"main\", \"targetTime\": "
          + "\"2026-12-06T14:01:59Z\"}");
    }
    if (blank(in.cluster())) {
      out.add("cluster is required, e.g. {\"cluster\": \"main\", \"targetTime\": \"2026-12-06T14:01:59Z\"}");
    }
    int kinds = (blank(in.targetTime()) ? 0 : 1) + (blank(in.targetLsn()) ? 0 : 1) + (blank(in.targetName()) ? 0 : 1);
    if (kinds == 0) {
      out.add("a target is required: targetTime (e.g. 2026-12-06T14:01:59Z), targetLsn (e.g. 0/5000060) or "
          + "targetName (a restore point)");
    } else if (kinds > 1) {
      out.add("give exactly one of targetTime, targetLsn and targetName, not " + kinds);
    } else {
      try {
        PitrTarget t = target(in);
        if (t.micros() > nowMicros) {
          out.add("targetTime " + t.value() + " is in the future (now " + RestoreDrillRules.targetText(nowMicros)
              + "); a restore can only reach WAL already archived");
        }
      } catch (IllegalArgumentException e) {
        out.add(e.getMessage());
      }
    }
    String into = into(in);
    switch (into) {
      case SCRATCH -> {
        if (!blank(in.node())) {
          out.add("node is only for into: node; into: scratch restores beside the primary (leave node out)");
        }
      }
      case NODE -> {
        if (blank(in.node())) {
          out.add("into: node needs node, the replica whose data directory the restore replaces");
        }
      }
      case IN_PLACE -> {
        if (!blank(in.node())) {
          out.add("node is only for into: node; into: inPlace restores the primary (leave node out)");
        }
      }
      default -> out.add("into must be scratch, node or inPlace, not '" + in.into() + "'");
    }
    try {
      Duration keep = keepFor(in);
      if (keep.isNegative() || keep.isZero()) {
        out.add("keepFor must be positive, got '" + in.keepFor() + "'");
      }
    } catch (RuntimeException e) {
      out.add("keepFor is not a duration (30m, 24h, 2d, PT8H): '" + in.keepFor() + "'");
    }
    return out;
  }

  /** {@code into}, defaulting to scratch. */
  public static String into(PointInTimeRestoreInput in) {
    return blank(in.into()) ? SCRATCH : in.into().strip();
  }

  /** {@code keepFor}, default 24 h. */
  public static Duration keepFor(PointInTimeRestoreInput in) {
    return blank(in.keepFor()) ? DEFAULT_KEEP : TerminateRules.parse(in.keepFor());
  }

  /**
   * The one target of a checked input.
   *
   * @throws IllegalArgumentException for a time, LSN or restore point name that cannot be one
   */
  public static PitrTarget target(PointInTimeRestoreInput in) {
    if (!blank(in.targetTime())) {
      long micros = RestoreDrillRules.parseTarget(in.targetTime());
      return new PitrTarget(DrillRestoreCall.TIME, RestoreDrillRules.targetText(micros), micros, -1);
    }
    if (!blank(in.targetLsn())) {
      Matcher m = LSN.matcher(in.targetLsn().strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("targetLsn '" + in.targetLsn() + "' is not a WAL location like 0/5000060 "
            + "(pg_current_wal_lsn())");
      }
      long lsn = (Long.parseLong(m.group(1), 16) << 32) | Long.parseLong(m.group(2), 16);
      return new PitrTarget(DrillRestoreCall.LSN, m.group(1).toUpperCase(Locale.ROOT) + "/"
          + m.group(2).toUpperCase(Locale.ROOT), 0, lsn);
    }
    String name = in.targetName().strip();
    if (!RESTORE_POINT.matcher(name).matches()) {
      throw new IllegalArgumentException("targetName '" + in.targetName() + "' is not a restore point name: letters, "
          + "digits and _ . : - only, at most 63 characters");
    }
    return new PitrTarget(DrillRestoreCall.NAME, name, 0, -1);
  }

  /**
   * The backup to restore: for a time, the newest that ended at or before it (BadInput text when the target is before
   * the oldest backup ended); for an LSN, the newest whose last WAL segment ends at or before it; for a restore
   * point, whose position no catalog knows, the oldest backup, so any point after it is reached.
   *
   * @throws IllegalArgumentException when no backup can reach the target
   */
  public static PgBackRestBackup chooseBackup(List<PgBackRestBackup> backups, PitrTarget t, String cluster) {
    if (DrillRestoreCall.TIME.equals(t.type()) || backups.isEmpty()) {
      return RestoreDrillRules.chooseBackup(backups, Math.max(1, t.micros()), cluster);
    }
    List<PgBackRestBackup> byStop = backups.stream().sorted(Comparator.comparingLong(PgBackRestBackup::stopEpoch))
        .toList();
    if (DrillRestoreCall.NAME.equals(t.type())) {
      return byStop.get(0);
    }
    PgBackRestBackup chosen = null;
    for (PgBackRestBackup b : byStop) {
      if (walEnd(b.walStop()) <= t.lsn()) {
        chosen = b;
      }
    }
    if (chosen == null) {
      PgBackRestBackup oldest = byStop.get(0);
      throw new IllegalArgumentException("targetLsn " + t.value() + " is before the oldest backup " + oldest.label()
          + " of cluster " + cluster + " became consistent (WAL up to segment " + oldest.walStop() + "); no backup "
          + "can be restored to it");
    }
    return chosen;
  }

  /** The LSN just after WAL segment {@code segment} (a 24-hex-digit name), or Long.MAX_VALUE when unreadable. */
  static long walEnd(String segment) {
    Matcher m = segment == null ? null : SEGMENT.matcher(segment);
    if (m == null || !m.matches()) {
      return Long.MAX_VALUE;
    }
    return (Long.parseLong(m.group(1), 16) << 32) + (Long.parseLong(m.group(2), 16) + 1) * SEGMENT_BYTES;
  }

  /**
   * Null when PostgreSQL's log says recovery stopped at the target kind asked for; else why not. PostgreSQL writes
   * {@code recovery stopping before commit of transaction N, time T} (time), {@code recovery stopping after WAL
   * location (LSN) "X"} (lsn) and {@code recovery stopping at restore point "N", time T} (name).
   */
  public static String notReached(PitrTarget t, String recoveryStop) {
    if (recoveryStop == null) {
      return "the restored instance's log names no recovery stop point: recovery ran to the end of the archived WAL "
          + "without reaching " + t.type() + " " + t.value();
    }
    boolean ok = switch (t.type()) {
      case DrillRestoreCall.LSN -> recoveryStop.contains("WAL location (LSN)");
      case DrillRestoreCall.NAME -> recoveryStop.contains("restore point \"" + t.value() + "\"");
      default -> recoveryStop.contains("commit of transaction") || recoveryStop.contains("abort of transaction");
    };
    return ok ? null : "recovery stopped somewhere else than " + t.type() + " " + t.value() + ": " + recoveryStop;
  }

  /**
   * For {@code into: node}: null when {@code node} may be replaced; else why not (the primary, or no primary known).
   * An unknown node is refused earlier by the topology read itself.
   */
  public static String nodeRefusal(Topology t, String node) {
    if (t.nodes().stream().map(NodeRole::name).noneMatch(node::equals)) {
      return "node " + node + " is not a node of cluster " + t.cluster() + " (nodes: " + String.join(", ",
          t.nodes().stream().map(NodeRole::name).toList()) + ")";
    }
    if (node.equals(t.primary())) {
      return "node " + node + " is the primary of cluster " + t.cluster() + ": into: node never replaces the primary; "
          + "use into: scratch, or fail over first";
    }
    if (t.primary() == null) {
      return "cluster " + t.cluster() + " has no single primary now (" + t.problem() + "); refusing to replace a node";
    }
    return null;
  }

  /**
   * The commands of {@code into: node} on the replica, in order, for the approval and the dry run: stop, move the
   * data directory aside, restore into a partial directory renamed into place, start paused at the target, and what
   * happens to the old directory.
   */
  public static List<String> nodePlan(NodePlan n, String node, String stanza, String backupLabel, PitrTarget t,
                                      boolean keepOld) {
    String partial = n.dataDir() + ".partial-<runId>";
    List<String> out = new ArrayList<>();
    out.add("on " + node + ": " + String.join(" ", n.stop()) + " (refused if " + node + " is not in recovery)");
    out.add("on " + node + ": " + String.join("; ", n.moveAside()));
    out.add("on " + node + ": pgbackrest --stanza=" + stanza + " --pg1-path=" + partial + " --set=" + backupLabel
        + " --type=" + t.type() + " --target=" + t.value() + " --target-action=pause --archive-mode=off restore; mv "
        + partial + " " + n.dataDir());
    out.add("on " + node + ": " + String.join("; ", n.start()) + ", then wait until recovery is paused at the target");
    out.add("verify: PostgreSQL's log names the recovery stop point of " + t.type() + " " + t.value());
    out.add(keepOld ? "keep " + n.oldCopy() + " (keepOldDataDir: true)" : "after the verify: "
        + String.join("; ", n.removeOld()));
    out.add("on failure before the verify: " + String.join("; ", n.restore()) + "; start " + node + " on it again");
    return out;
  }

  /**
   * What {@code into: inPlace} loses, for its approval: everything the primary wrote after the target, from the
   * target to its current WAL position and time (as far as a time/LSN target tells; a restore point's position is
   * in no catalog).
   */
  public static String loss(PitrTarget t, String primary, String currentLsn, String currentTime, String timeline) {
    String from = switch (t.type()) {
      case DrillRestoreCall.LSN -> "WAL after " + t.value();
      case DrillRestoreCall.NAME -> "WAL after restore point " + t.value();
      default -> "every transaction committed after " + t.value();
    };
    return from + " up to " + primary + "'s current position " + currentLsn + " (timeline " + timeline + ", "
        + currentTime + "): those commits disappear from the cluster (they stay in the repository on timeline "
        + timeline + ")";
  }

  /** The commands of {@code into: inPlace}, in order, for the approval and the dry run. */
  public static List<String> inPlacePlan(NodePlan n, String primary, String stanza, String backupLabel, PitrTarget t,
                                         String bouncerNode, List<String> replicas, boolean keepOld) {
    return inPlacePlan(n, primary, stanza, backupLabel, t, bouncerNode, replicas, keepOld, null);
  }

  /**
   * {@link #inPlacePlan(NodePlan, String, String, String, PitrTarget, String, List, boolean)}; with {@code cluster}
   * set, the run rebuilds the replicas itself (change {@code pitr-in-place-rebuilds}): its last line names each
   * {@link #rebuildScope} item.
   */
  public static List<String> inPlacePlan(NodePlan n, String primary, String stanza, String backupLabel, PitrTarget t,
                                         String bouncerNode, List<String> replicas, boolean keepOld, String cluster) {
    String partial = n.dataDir() + ".partial-<runId>";
    List<String> out = new ArrayList<>();
    out.add(bouncerNode == null ? "no PgBouncer configured: writers are not fenced by this run"
        : "on " + bouncerNode + ": PAUSE in PgBouncer's admin console (clients wait)");
    out.add("on " + primary + ": pg_ctl stop -m fast (clean shutdown of the primary)");
    out.add("on " + primary + ": " + String.join("; ", n.moveAside()));
    out.add("on " + primary + ": pgbackrest --stanza=" + stanza + " --pg1-path=" + partial + " --set=" + backupLabel
        + " --type=" + t.type() + " --target=" + t.value() + " --target-action=promote --archive-mode=preserve "
        + "restore; mv " + partial + " " + n.dataDir());
    out.add("on " + primary + ": " + String.join("; ", n.start()) + ", wait until promoted; SELECT txid_current(), "
        + "pg_switch_wal() and wait until that segment is archived");
    out.add("verify: the recovery stop point of " + t.type() + " " + t.value() + " in the log, a new timeline, the "
        + "write archived");
    out.add(bouncerNode == null ? "(no PgBouncer to resume)" : "on " + bouncerNode + ": RESUME");
    out.add(keepOld ? "keep " + n.oldCopy() + " (keepOldDataDir: true)" : "after the verify: "
        + String.join("; ", n.removeOld()));
    out.add("on failure before the verify: " + String.join("; ", n.restore()) + "; start " + primary + " on it; "
        + "RESUME PgBouncer");
    out.add(replicas.isEmpty() ? "no replicas to rebuild" : cluster == null ? "not done by this run: ReplicaRebuild of "
        + String.join(", ", replicas) : "after the verify, one after another, as child runs on this approval: "
        + String.join("; ", rebuildScope(cluster, replicas)));
    return out;
  }

  /** What the inPlace approval lets its child runs do: one {@code ReplicaRebuild <cluster>/<replica>} per replica. */
  public static List<String> rebuildScope(String cluster, List<String> replicas) {
    return replicas.stream().map(r -> ReplicaRebuildInput.scopeItem(cluster, r)).toList();
  }

  /**
   * The id of the child run that rebuilds {@code replica}: {@code point-in-time-restore:<cluster>/rebuild-<replica>},
   * the parent's id as started by hand. Built from the cluster, not read from the run: a replay runs under another
   * id, and the child's id is part of the recorded command.
   */
  public static String rebuildChildId(String cluster, String replica) {
    return WorkflowIds.pointInTimeRestore(cluster) + "/rebuild-" + replica;
  }

  /**
   * The end of an inPlace summary once the child rebuilds ran: which replicas were rebuilt, and for the others why
   * and the input to run by hand. {@code failed} maps a replica to what its child run said.
   */
  public static String rebuildOutcome(String cluster, List<String> rebuilt, Map<String, String> failed) {
    if (rebuilt.isEmpty() && failed.isEmpty()) {
      return "; no replicas to rebuild";
    }
    StringBuilder out = new StringBuilder();
    if (!rebuilt.isEmpty()) {
      out.append("; replicas rebuilt on the new timeline: ").append(String.join(", ", rebuilt));
    }
    if (!failed.isEmpty()) {
      out.append("; NOT rebuilt (the restored primary stays, this is no rollback): ");
      out.append(String.join("; ", failed.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
          .toList()));
      out.append(". Still on the lost timeline, to rebuild by hand: run ").append(rebuildInputs(cluster,
          List.copyOf(failed.keySet())));
    }
    return out.toString();
  }

  /** Why a promoted in-place restore does not count as verified, or null when it does. */
  public static String inPlaceNotVerified(PitrTarget t, NodeRestore r, String oldTimeline) {
    String why = notReached(t, r.recoveryStop());
    if (why != null) {
      return why;
    }
    if (r.timeline() == null || oldTimeline == null || r.timeline().compareTo(oldTimeline) <= 0) {
      return "the restored primary is on timeline " + r.timeline() + ", not on a new one after " + oldTimeline;
    }
    if (r.archivedWal() == null) {
      return "the restored primary's test write was not archived";
    }
    return null;
  }

  /** The report's sentence on replicas: each needs a ReplicaRebuild, with its input. */
  public static String rebuildAdvice(String cluster, List<String> replicas) {
    if (replicas.isEmpty()) {
      return "";
    }
    return ". On the lost timeline, to rebuild: " + String.join(", ", replicas) + "; run "
        + rebuildInputs(cluster, replicas);
  }

  private static String rebuildInputs(String cluster, List<String> replicas) {
    return String.join(" and ", replicas.stream().map(r -> "ReplicaRebuild {\"cluster\": \"" + cluster
        + "\", \"replica\": \"" + r + "\"}").toList());
  }

  /** Refusal of {@code into: inPlace} for an approval policy that does not need two people; null when it does. */
  public static String inPlaceApprovalRefusal(int approvalsNeeded) {
    if (approvalsNeeded < 0) {
      return "into: inPlace is pre-approved in approvals.preApprovals: taking the whole cluster back needs two "
          + "people deciding; remove that pre-approval";
    }
    if (approvalsNeeded < 2) {
      return "into: inPlace needs two approvers: add PointInTimeRestore to approvals.twoPersonRunbooks (with two "
          + "approvers holding its role); the approvals config asks " + approvalsNeeded + " now";
    }
    return null;
  }

  /** Time left until {@code untilMillis}, as {@code 23h 59m} or {@code 4m 10s}. */
  public static String left(long nowMillis, long untilMillis) {
    long s = Math.max(0, (untilMillis - nowMillis) / 1000);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
