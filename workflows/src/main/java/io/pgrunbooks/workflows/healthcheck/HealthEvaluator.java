package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LockWait;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LongQuery;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.WalReceiver;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Judges a cluster from the facts the activities gathered (seed runbooks RB-1, RB-23 and the
 * operations runbook's metrics table). Pure and deterministic: no Temporal calls, no clock, no
 * hash ordering, so the workflow may call it directly and replay gets the same verdict.
 */
public final class HealthEvaluator {
  public static final String PRIMARY = "PRIMARY";
  public static final String REPLICA = "REPLICA";
  public static final String UNKNOWN = "UNKNOWN";

  static final String REACHABILITY = "reachability";
  static final String TOPOLOGY = "topology";
  static final String REPLICATION = "replication";
  static final String CONNECTIONS = "connections";
  static final String LONG_QUERIES = "long-queries";
  static final String LOCK_WAITS = "lock-waits";
  static final String CACHE = "cache-hit";
  static final String DISK = "disk";

  private static final int QUERY_CHARS = 80;

  private HealthEvaluator() {}

  /** Judges every configured node of {@code spec}, in configuration order, and the cluster as a whole. */
  public static HealthVerdict evaluate(ClusterSpec spec, List<NodeObservation> observations) {
    HealthThresholds t = spec.health() != null ? spec.health() : HealthThresholds.defaults();
    Map<String, NodeObservation> byNode = new LinkedHashMap<>();
    for (NodeSpec node : spec.nodes()) {
      byNode.put(node.name(), observed(node.name(), observations));
    }

    Map<String, List<Finding>> findings = new LinkedHashMap<>();
    List<String> primaries = new ArrayList<>();
    for (NodeObservation o : byNode.values()) {
      List<Finding> f = new ArrayList<>();
      findings.put(o.node(), f);
      judgeNode(o, t, f);
      if (PRIMARY.equals(role(o.facts()))) {
        primaries.add(o.node());
      }
    }

    List<Finding> cluster = new ArrayList<>();
    String primary = null;
    if (primaries.isEmpty()) {
      cluster.add(new Finding(HealthStatus.UNHEALTHY, TOPOLOGY, "no reachable primary (" + roles(byNode) + ")"));
    } else if (primaries.size() > 1) {
      cluster.add(new Finding(HealthStatus.UNHEALTHY, TOPOLOGY,
          "split brain: " + joinAnd(primaries) + (primaries.size() == 2 ? " both" : " all") + " accept writes"));
    } else {
      primary = primaries.get(0);
      List<ReplicationPeer> peers = list(byNode.get(primary).facts().replicas());
      for (NodeSpec node : spec.nodes()) {
        if (!node.name().equals(primary)) {
          judgeReplication(node, primary, peers, t, findings.get(node.name()));
        }
      }
    }

    HealthStatus overall = worst(cluster);
    List<NodeHealth> nodes = new ArrayList<>();
    for (NodeObservation o : byNode.values()) {
      List<Finding> f = findings.get(o.node());
      HealthStatus status = worst(f);
      overall = overall.worst(status);
      nodes.add(new NodeHealth(o.node(), role(o.facts()), status, List.copyOf(f), o.facts(), o.disk()));
    }
    return new HealthVerdict(overall, primary, List.copyOf(cluster), List.copyOf(nodes),
        summary(spec.name(), overall, cluster, nodes));
  }

  private static NodeObservation observed(String node, List<NodeObservation> observations) {
    for (NodeObservation o : observations) {
      if (node.equals(o.node())) {
        return o;
      }
    }
    // The workflow observes every configured node; this only guards a caller that did not.
    return new NodeObservation(node, NodeHealthFacts.unreachable(node, "no facts were collected", Instant.EPOCH),
        null, "no disk facts were collected");
  }

  static String role(NodeHealthFacts facts) {
    if (facts == null || !facts.reachable() || facts.inRecovery() == null) {
      return UNKNOWN;
    }
    return facts.inRecovery() ? REPLICA : PRIMARY;
  }

  private static void judgeNode(NodeObservation o, HealthThresholds t, List<Finding> f) {
    NodeHealthFacts facts = o.facts();
    if (!facts.reachable()) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REACHABILITY, "unreachable: " + facts.error()));
    } else {
      if (REPLICA.equals(role(facts))) {
        judgeReceiver(facts.receiver(), f);
      }
      judgeConnections(facts, t, f);
      for (LongQuery q : list(facts.longQueries())) {
        f.add(new Finding(HealthStatus.DEGRADED, LONG_QUERIES, "pid " + q.pid() + " (" + q.user() + "@"
            + q.database() + ", " + q.state() + ") running " + q.seconds() + " s > " + t.longQuerySeconds()
            + " s: " + shorten(q.query())));
      }
      for (LockWait w : list(facts.lockWaits())) {
        f.add(new Finding(HealthStatus.DEGRADED, LOCK_WAITS, "pid " + w.blockedPid() + " waiting "
            + w.waitingSeconds() + " s for a lock held by pid " + w.blockingPid() + ": "
            + shorten(w.blockedQuery())));
      }
      judgeCache(facts.cacheHitRatio(), t, f);
    }
    judgeDisk(o, t, f);
  }

  private static void judgeReceiver(WalReceiver receiver, List<Finding> f) {
    if (receiver == null) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REPLICATION, "in recovery but no WAL receiver is running"));
    } else if (!"streaming".equals(receiver.status())) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REPLICATION,
          "WAL receiver is '" + receiver.status() + "', not streaming"));
    }
  }

  private static void judgeConnections(NodeHealthFacts facts, HealthThresholds t, List<Finding> f) {
    if (facts.maxConnections() <= 0) {
      return;
    }
    double percent = 100.0 * facts.connections() / facts.maxConnections();
    String used = facts.connections() + " of " + facts.maxConnections() + " connections in use (" + num(percent) + "%";
    if (percent >= t.connectionsUnhealthyPercent()) {
      f.add(new Finding(HealthStatus.UNHEALTHY, CONNECTIONS, used + " ≥ " + t.connectionsUnhealthyPercent() + "%)"));
    } else if (percent >= t.connectionsDegradedPercent()) {
      f.add(new Finding(HealthStatus.DEGRADED, CONNECTIONS, used + " ≥ " + t.connectionsDegradedPercent() + "%)"));
    }
  }

  private static void judgeCache(Double ratio, HealthThresholds t, List<Finding> f) {
    if (ratio == null) {
      return;
    }
    String seen = "cache hit ratio " + num(100 * ratio) + "% < ";
    if (ratio < t.cacheHitUnhealthy()) {
      f.add(new Finding(HealthStatus.UNHEALTHY, CACHE, seen + num(100 * t.cacheHitUnhealthy()) + "%"));
    } else if (ratio < t.cacheHitDegraded()) {
      f.add(new Finding(HealthStatus.DEGRADED, CACHE, seen + num(100 * t.cacheHitDegraded()) + "%"));
    }
  }

  private static void judgeDisk(NodeObservation o, HealthThresholds t, List<Finding> f) {
    DiskUsage disk = o.disk();
    if (disk == null) {
      // Without the agent the host-local runbooks cannot run there either; worth a look, not a page.
      f.add(new Finding(HealthStatus.DEGRADED, DISK, Objects.requireNonNullElse(o.diskError(), "no disk facts")));
      return;
    }
    int used = disk.usedPercent();
    String seen = "filesystem of " + disk.dataDir() + " " + used + "% used";
    String tail = ", " + bytes(disk.filesystemFreeBytes()) + " free of " + bytes(disk.filesystemTotalBytes());
    if (used >= t.diskUnhealthyPercent()) {
      f.add(new Finding(HealthStatus.UNHEALTHY, DISK, seen + " ≥ " + t.diskUnhealthyPercent() + "%" + tail));
    } else if (used >= t.diskDegradedPercent()) {
      f.add(new Finding(HealthStatus.DEGRADED, DISK, seen + " ≥ " + t.diskDegradedPercent() + "%" + tail));
    }
  }

  private static void judgeReplication(NodeSpec node, String primary, List<ReplicationPeer> peers,
                                       HealthThresholds t, List<Finding> f) {
    ReplicationPeer peer = null;
    for (ReplicationPeer p : peers) {
      if (node.name().equals(p.applicationName()) || (node.slot() != null && node.slot().equals(p.slotName()))) {
        peer = p;
        break;
      }
    }
    if (peer == null) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REPLICATION, "not connected to primary " + primary));
      return;
    }
    if (!"streaming".equals(peer.state())) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REPLICATION,
          "replication from primary " + primary + " is '" + peer.state() + "', not streaming"));
      return;
    }
    // The worst of the three lags decides; replay is named first on a tie because it is what readers see.
    String which = "replay lag";
    double lag = orZero(peer.replayLagSeconds());
    if (orZero(peer.flushLagSeconds()) > lag) {
      which = "flush lag";
      lag = orZero(peer.flushLagSeconds());
    }
    if (orZero(peer.writeLagSeconds()) > lag) {
      which = "write lag";
      lag = orZero(peer.writeLagSeconds());
    }
    if (lag > t.lagUnhealthySeconds()) {
      f.add(new Finding(HealthStatus.UNHEALTHY, REPLICATION,
          which + " " + num(lag) + " s > " + num(t.lagUnhealthySeconds()) + " s"));
    } else if (lag >= t.lagDegradedSeconds()) {
      f.add(new Finding(HealthStatus.DEGRADED, REPLICATION,
          which + " " + num(lag) + " s ≥ " + num(t.lagDegradedSeconds()) + " s"));
    }
  }

  static String summary(String cluster, HealthStatus overall, List<Finding> clusterFindings,
                                List<NodeHealth> nodes) {
    List<String> parts = new ArrayList<>();
    for (Finding f : clusterFindings) {
      parts.add(f.message());
    }
    for (NodeHealth n : nodes) {
      StringBuilder part = new StringBuilder(n.node());
      if (!UNKNOWN.equals(n.role())) {
        part.append(' ').append(n.role().toLowerCase(java.util.Locale.ROOT));
      }
      part.append(' ').append(n.status());
      Finding first = worstFinding(n.findings());
      if (first != null) {
        part.append(" (").append(first.message());
        long others = n.findings().stream().filter(x -> x.severity() != HealthStatus.HEALTHY).count() - 1;
        if (others > 0) {
          part.append(", +").append(others).append(" more");
        }
        part.append(')');
      }
      parts.add(part.toString());
    }
    return cluster + ": " + overall + " — " + String.join(", ", parts);
  }

  private static Finding worstFinding(List<Finding> findings) {
    Finding worst = null;
    for (Finding f : findings) {
      if (f.severity() != HealthStatus.HEALTHY && (worst == null || f.severity().ordinal() > worst.severity().ordinal())) {
        worst = f;
      }
    }
    return worst;
  }

  static HealthStatus worst(List<Finding> findings) {
    HealthStatus s = HealthStatus.HEALTHY;
    for (Finding f : findings) {
      s = s.worst(f.severity());
    }
    return s;
  }

  private static String roles(Map<String, NodeObservation> byNode) {
    List<String> seen = new ArrayList<>();
    for (NodeObservation o : byNode.values()) {
      String role = role(o.facts());
      seen.add(o.node() + " " + (UNKNOWN.equals(role) ? "unreachable" : role.toLowerCase(java.util.Locale.ROOT)));
    }
    return String.join(", ", seen);
  }

  private static String joinAnd(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  static String shorten(String query) {
    if (query == null) {
      return "";
    }
    String oneLine = query.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= QUERY_CHARS ? oneLine : oneLine.substring(0, QUERY_CHARS) + "…";
  }

  /** At most two decimals, no trailing zeros, never locale-dependent: 2.3, 1, 0.05. */
  static String num(double value) {
    BigDecimal d = BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  static String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return (u == 0 ? Long.toString(n) : BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP).toPlainString())
        + " " + units[u];
  }

  private static double orZero(Double d) {
    return d == null ? 0.0 : d;
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
