package io.pgrunbooks.workflows.healthcheck;

import static io.pgrunbooks.workflows.healthcheck.HealthEvaluator.bytes;
import static io.pgrunbooks.workflows.healthcheck.HealthEvaluator.num;
import static io.pgrunbooks.workflows.healthcheck.HealthEvaluator.shorten;

import io.pgrunbooks.workflows.activities.DetailThresholds;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Archiver;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Blocker;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DatabaseXid;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.IndexBloat;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.InvalidIndex;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Slot;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.TableXid;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.reindex.ReindexRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges the morning-page facts (sessions, wraparound, slots, WAL, archiver, indexes, PgBouncer pools) against
 * {@link DetailThresholds} and adds the findings to a verdict of {@link HealthEvaluator}. Pure: no I/O, no clock.
 */
public final class DetailEvaluator {
  static final String SESSIONS = "sessions";
  static final String BLOCKING = "blocking";
  static final String WRAPAROUND = "wraparound";
  static final String SLOTS = "replication-slots";
  static final String WAL = "wal";
  static final String ARCHIVER = "archiver";
  static final String INDEXES = "indexes";
  static final String BLOAT = "bloat";
  static final String POOLS = "pgbouncer";
  private static final long MB = 1024L * 1024;

  private DetailEvaluator() {}

  /** {@code verdict} with the findings of {@code details} (by node) and {@code pools} (cluster-wide) added. */
  public static HealthVerdict apply(String cluster, HealthVerdict verdict, List<DetailFacts> details, PoolFacts pools,
                                    DetailThresholds t) {
    List<NodeHealth> nodes = new ArrayList<>();
    HealthStatus overall = HealthEvaluator.worst(verdict.clusterFindings());
    for (NodeHealth n : verdict.nodes()) {
      List<Finding> f = new ArrayList<>(n.findings());
      DetailFacts d = details.stream().filter(x -> n.node().equals(x.node())).findFirst().orElse(null);
      if (d != null) {
        judge(d, n.disk() == null ? 0 : n.disk().filesystemTotalBytes(), t, f);
      }
      HealthStatus status = HealthEvaluator.worst(f);
      overall = overall.worst(status);
      nodes.add(new NodeHealth(n.node(), n.role(), status, List.copyOf(f), n.facts(), n.disk()));
    }
    List<Finding> clusterFindings = new ArrayList<>(verdict.clusterFindings());
    judgePools(pools, t, clusterFindings);
    overall = overall.worst(HealthEvaluator.worst(clusterFindings));
    return new HealthVerdict(overall, verdict.primary(), List.copyOf(clusterFindings), List.copyOf(nodes),
        HealthEvaluator.summary(cluster, overall, clusterFindings, nodes));
  }

  /** The findings people must act on (degraded or worse), one per line, node first; empty when healthy. */
  public static String findingsText(HealthVerdict v) {
    List<String> lines = new ArrayList<>();
    for (Finding f : v.clusterFindings()) {
      if (f.severity() != HealthStatus.HEALTHY) {
        lines.add("- " + f.severity() + " " + f.check() + ": " + f.message());
      }
    }
    for (NodeHealth n : v.nodes()) {
      for (Finding f : n.findings()) {
        if (f.severity() != HealthStatus.HEALTHY) {
          lines.add("- " + n.node() + " " + f.severity() + " " + f.check() + ": " + f.message());
        }
      }
    }
    return String.join("\n", lines);
  }

  static void judge(DetailFacts d, long volumeBytes, DetailThresholds t, List<Finding> f) {
    if (d.error() != null) {
      // Basic facts already say whether the node is down; this only says what is missing.
      f.add(new Finding(HealthStatus.DEGRADED, SESSIONS, "morning-page facts not collected: " + d.error()));
      return;
    }
    judgeSessions(d.sessions() == null ? Sessions.none() : d.sessions(), t, f);
    for (DatabaseXid x : list(d.databases())) {
      HealthStatus s = level(x.xidAge(), t.xidAgeDegraded(), t.xidAgeUnhealthy());
      if (s != HealthStatus.HEALTHY) {
        f.add(new Finding(s, WRAPAROUND, "database " + x.database() + " xid age " + x.xidAge() + " ≥ "
            + (s == HealthStatus.UNHEALTHY ? t.xidAgeUnhealthy() : t.xidAgeDegraded()) + " ("
            + num(100.0 * x.xidAge() / 2_147_483_648L) + "% of wraparound): VACUUM FREEZE its oldest tables"));
      }
    }
    List<TableXid> oldest = list(d.oldestTables());
    if (!oldest.isEmpty()) {
      f.add(new Finding(HealthStatus.HEALTHY, WRAPAROUND, "oldest tables: " + String.join(", ",
          oldest.stream().map(x -> x.database() + "." + x.table() + " " + x.xidAge()).toList())));
    }
    for (Slot s : list(d.slots())) {
      judgeSlot(s, t, f);
    }
    judgeWal(d.walBytes(), volumeBytes, t, f);
    judgeArchiver(d.archiver(), t, f);
    for (InvalidIndex i : list(d.invalidIndexes())) {
      f.add(new Finding(HealthStatus.DEGRADED, INDEXES, "index " + i.database() + "." + i.index()
          + " is INVALID (a failed CREATE/REINDEX CONCURRENTLY): run Reindex or DropIndex"));
    }
    for (IndexBloat b : list(d.bloat())) {
      String reason = ReindexRules.reason(new IndexSize(b.index(), true, b.bytes(), b.freshBytes()));
      if (reason != null) {
        f.add(new Finding(HealthStatus.DEGRADED, BLOAT, "index " + b.database() + "." + b.index() + " " + reason));
      }
    }
    for (String note : list(d.notes())) {
      f.add(new Finding(HealthStatus.HEALTHY, BLOAT, note));
    }
  }

  private static void judgeSessions(Sessions s, DetailThresholds t, List<Finding> f) {
    if (s.oldestIdlePid() != null) {
      HealthStatus lvl = level(s.oldestIdleSeconds(), t.idleInTransactionDegradedSeconds(),
          t.idleInTransactionUnhealthySeconds());
      f.add(new Finding(lvl, SESSIONS, s.idleInTransaction() + " idle in transaction, the oldest pid "
          + s.oldestIdlePid() + " for " + s.oldestIdleSeconds() + " s" + limit(lvl,
          t.idleInTransactionDegradedSeconds(), t.idleInTransactionUnhealthySeconds())));
    }
    if (s.oldestTransactionPid() != null) {
      HealthStatus lvl = level(s.oldestTransactionSeconds(), t.transactionAgeDegradedSeconds(),
          t.transactionAgeUnhealthySeconds());
      f.add(new Finding(lvl, SESSIONS, "oldest open transaction: pid " + s.oldestTransactionPid() + ", "
          + s.oldestTransactionSeconds() + " s" + limit(lvl, t.transactionAgeDegradedSeconds(),
          t.transactionAgeUnhealthySeconds())));
    }
    for (Blocker b : list(s.blockers())) {
      HealthStatus lvl = level(b.longestWaitSeconds(), t.blockingDegradedSeconds(), t.blockingUnhealthySeconds());
      f.add(new Finding(lvl, BLOCKING, "pid " + b.pid() + " (" + b.user() + "@" + b.database() + ", " + b.state()
          + (b.waiting() ? ", itself waiting" : ", head of the chain") + ") blocks " + b.blocks() + " session"
          + (b.blocks() == 1 ? "" : "s") + ", the longest waiting " + b.longestWaitSeconds() + " s"
          + limit(lvl, t.blockingDegradedSeconds(), t.blockingUnhealthySeconds()) + ": " + shorten(b.query())));
    }
  }

  private static void judgeSlot(Slot s, DetailThresholds t, List<Finding> f) {
    String retained = s.retainedBytes() == null ? "no WAL retained" : bytes(s.retainedBytes()) + " of WAL retained";
    String seen = (s.active() ? "" : "inactive ") + s.type() + " slot " + s.name() + ": " + retained
        + (s.walStatus() == null ? "" : ", wal_status " + s.walStatus());
    HealthStatus lvl = s.retainedBytes() == null ? HealthStatus.HEALTHY
        : level(s.retainedBytes(), t.slotRetainedDegradedMb() * MB, t.slotRetainedUnhealthyMb() * MB);
    if (!s.active()) {
      lvl = lvl.worst(HealthStatus.DEGRADED);
    }
    if ("lost".equals(s.walStatus()) || "unreserved".equals(s.walStatus())) {
      lvl = HealthStatus.UNHEALTHY;
    } else if ("extended".equals(s.walStatus())) {
      lvl = lvl.worst(HealthStatus.DEGRADED);
    }
    f.add(new Finding(lvl, SLOTS, seen + (lvl == HealthStatus.HEALTHY ? ""
        : " (drop a slot nobody uses; limits " + t.slotRetainedDegradedMb() + "/" + t.slotRetainedUnhealthyMb()
        + " MiB)")));
  }

  private static void judgeWal(Long walBytes, long volumeBytes, DetailThresholds t, List<Finding> f) {
    if (walBytes == null || volumeBytes <= 0) {
      return;
    }
    double percent = 100.0 * walBytes / volumeBytes;
    HealthStatus lvl = percent >= t.walUnhealthyPercent() ? HealthStatus.UNHEALTHY
        : percent >= t.walDegradedPercent() ? HealthStatus.DEGRADED : HealthStatus.HEALTHY;
    f.add(new Finding(lvl, WAL, "pg_wal " + bytes(walBytes) + ", " + num(percent) + "% of the " + bytes(volumeBytes)
        + " volume" + (lvl == HealthStatus.HEALTHY ? "" : " ≥ " + (lvl == HealthStatus.UNHEALTHY
        ? t.walUnhealthyPercent() : t.walDegradedPercent()) + "%")));
  }

  private static void judgeArchiver(Archiver a, DetailThresholds t, List<Finding> f) {
    if (a == null || "off".equals(a.archiveMode())) {
      return;
    }
    String last = a.lastArchivedWal() == null ? "nothing archived yet"
        : "last archived " + a.lastArchivedWal() + " " + a.lastArchivedSecondsAgo() + " s ago";
    boolean failing = a.lastFailedSecondsAgo() != null
        && (a.lastArchivedSecondsAgo() == null || a.lastFailedSecondsAgo() < a.lastArchivedSecondsAgo());
    if (!failing) {
      f.add(new Finding(HealthStatus.HEALTHY, ARCHIVER, last + ", " + a.failedCount() + " failures in total"));
      return;
    }
    boolean stale = a.lastArchivedSecondsAgo() == null || a.lastArchivedSecondsAgo() >= t.archiveFailingSeconds();
    f.add(new Finding(stale ? HealthStatus.UNHEALTHY : HealthStatus.DEGRADED, ARCHIVER, "WAL archiving is failing: "
        + a.failedCount() + " failures, the last on " + a.lastFailedWal() + " " + a.lastFailedSecondsAgo() + " s ago; "
        + last + (stale ? " (≥ " + t.archiveFailingSeconds() + " s: pg_wal grows until it works again)" : "")));
  }

  static void judgePools(PoolFacts p, DetailThresholds t, List<Finding> f) {
    if (p == null || !p.configured()) {
      return;
    }
    if (p.error() != null) {
      f.add(new Finding(HealthStatus.UNHEALTHY, POOLS, "PgBouncer console not readable: " + p.error()));
      return;
    }
    for (PoolState s : list(p.pools())) {
      HealthStatus lvl = level(s.clientsWaiting(), t.poolWaitingDegraded(), t.poolWaitingUnhealthy())
          .worst(level(s.maxwaitSeconds(), t.poolMaxwaitDegradedSeconds(), t.poolMaxwaitUnhealthySeconds()));
      if (lvl == HealthStatus.HEALTHY && s.clientsWaiting() == 0 && s.clientsActive() == 0) {
        continue;
      }
      f.add(new Finding(lvl, POOLS, "pool " + s.database() + "/" + s.user() + ": " + s.clientsActive()
          + " clients active, " + s.clientsWaiting() + " waiting (maxwait " + s.maxwaitSeconds() + " s, average wait "
          + num(s.avgWaitMicros() / 1000.0) + " ms), " + s.clients() + " clients, " + s.serverConnections()
          + " server connections of pool_size " + s.poolSize() + " (" + s.serverActive() + " active)"
          + (lvl == HealthStatus.HEALTHY ? "" : "; limits waiting " + t.poolWaitingDegraded() + "/"
          + t.poolWaitingUnhealthy() + ", maxwait " + t.poolMaxwaitDegradedSeconds() + "/"
          + t.poolMaxwaitUnhealthySeconds() + " s")));
    }
  }

  private static HealthStatus level(long value, long degraded, long unhealthy) {
    return value >= unhealthy ? HealthStatus.UNHEALTHY : value >= degraded ? HealthStatus.DEGRADED
        : HealthStatus.HEALTHY;
  }

  private static String limit(HealthStatus lvl, long degraded, long unhealthy) {
    return switch (lvl) {
      case UNHEALTHY -> " ≥ " + unhealthy + " s";
      case DEGRADED -> " ≥ " + degraded + " s";
      default -> "";
    };
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
