package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.DatabaseSize;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LockWait;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.LongQuery;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.WalReceiver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Facts of a small healthy cluster (pg1 primary, pg2 replica) that each test bends one way. */
final class Fixtures {
  static final String CLUSTER = "main";
  static final Instant AT = Instant.parse("2026-01-05T09:00:00Z");
  static final long GB = 1024L * 1024 * 1024;

  private Fixtures() {}

  static ClusterSpec spec(String... nodes) {
    List<NodeSpec> specs = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      specs.add(new NodeSpec(nodes[i], "127.0.0.1", 15432 + i, nodes[i] + "_slot"));
    }
    return new ClusterSpec(CLUSTER, specs, HealthThresholds.defaults());
  }

  static Facts primary(String node) {
    return new Facts(node).inRecovery(false);
  }

  static Facts replica(String node) {
    return new Facts(node).inRecovery(true)
        .receiver(new WalReceiver("streaming", "127.0.0.1", 15432, node + "_slot", 0));
  }

  static ReplicationPeer streaming(String replica, Double replayLagSeconds) {
    return peer(replica, "streaming", replayLagSeconds);
  }

  static ReplicationPeer peer(String replica, String state, Double lagSeconds) {
    return new ReplicationPeer(replica, "127.0.0.1", replica + "_slot", state, "async", lagSeconds, lagSeconds,
        lagSeconds, 8192);
  }

  static DiskUsage disk(String node, int usedPercent) {
    long total = 100 * GB;
    return new DiskUsage(node, "/srv/pg/" + node, 3 * GB, total, total - usedPercent * GB, "host-" + node);
  }

  /** A mutable builder of {@link NodeHealthFacts}, healthy unless told otherwise. */
  static final class Facts {
    private final String node;
    private Boolean inRecovery;
    private int connections = 12;
    private int maxConnections = 100;
    private final List<LongQuery> longQueries = new ArrayList<>();
    private final List<LockWait> lockWaits = new ArrayList<>();
    private Double cacheHitRatio = 0.995;
    private final List<ReplicationPeer> replicas = new ArrayList<>();
    private WalReceiver receiver;

    Facts(String node) {
      this.node = node;
    }

    Facts inRecovery(boolean value) {
      inRecovery = value;
      return this;
    }

    Facts connections(int used, int max) {
      connections = used;
      maxConnections = max;
      return this;
    }

    Facts longQuery(int pid, long seconds, String query) {
      longQueries.add(new LongQuery(pid, "app", "orders", "active", seconds, query));
      return this;
    }

    Facts lockWait(int blocked, int blocking, long seconds) {
      lockWaits.add(new LockWait(blocked, blocking, seconds, "UPDATE accounts SET balance = 0 WHERE id = 7",
          "ALTER TABLE accounts ADD COLUMN note text"));
      return this;
    }

    Facts cacheHit(Double ratio) {
      cacheHitRatio = ratio;
      return this;
    }

    Facts replica(ReplicationPeer peer) {
      replicas.add(peer);
      return this;
    }

    Facts receiver(WalReceiver value) {
      receiver = value;
      return this;
    }

    NodeHealthFacts build() {
      return new NodeHealthFacts(node, true, null, inRecovery, "PostgreSQL 15.8", connections, maxConnections,
          List.copyOf(longQueries), List.copyOf(lockWaits), cacheHitRatio,
          List.of(new DatabaseSize("postgres", 7_500_000), new DatabaseSize("orders", 3 * GB)),
          List.copyOf(replicas), receiver, AT);
    }
  }
}
