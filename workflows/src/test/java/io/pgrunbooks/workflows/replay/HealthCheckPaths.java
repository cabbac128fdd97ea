package io.pgrunbooks.workflows.replay;

import io.pgrunbooks.workflows.activities.ArchiveHealthActivities;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveThresholds;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.activities.ClusterSpec.NodeSpec;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.HealthDetailActivities;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Archiver;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Blocker;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DatabaseXid;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Slot;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.TableXid;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.HealthThresholds;
import io.pgrunbooks.workflows.activities.DiskOnlyAgent;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.DatabaseSize;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.ReplicationPeer;
import io.pgrunbooks.workflows.activities.NodeHealthFacts.WalReceiver;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.PostgresActivities;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.healthcheck.HealthCheckInput;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflow;
import io.pgrunbooks.workflows.healthcheck.HealthCheckWorkflowImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HealthCheck's main paths for recording, on a two-node cluster (pg1 primary, pg2 replica). Own
 * small fakes: the ones in the healthcheck test package are package-private.
 */
public final class HealthCheckPaths {
  private static final String CLUSTER = "main";
  private static final Instant AT = Instant.parse("2026-01-05T09:00:00Z");
  private static final long GB = 1024L * 1024 * 1024;

  private HealthCheckPaths() {}

  /**
   * Registers the healthy path's workflow and fakes on {@code central} (a worker the caller made, e.g. with
   * limited slots) and the node agents; then {@link #runHealthy} runs it once the environment is started.
   */
  public static void registerHealthy(TestWorkflowEnvironment env, Worker central) {
    register(env, central, spec(0), Map.of("pg1", primary("pg1", List.of(streaming("pg2"))), "pg2", replica("pg2")),
        Set.of(), Map.of(), new PoolFacts(false, null, List.of()), ArchiveFacts.notConfigured(), List.of());
  }

  /** Runs the HealthCheck registered by {@link #registerHealthy} to its end; returns its workflow id. */
  public static String runHealthy(TestWorkflowEnvironment env) {
    return run(env);
  }

  static String healthy(TestWorkflowEnvironment env) {
    return check(env, spec(0), Map.of(
        "pg1", primary("pg1", List.of(streaming("pg2"))),
        "pg2", replica("pg2")), Set.of());
  }

  static String replicaDown(TestWorkflowEnvironment env) {
    return check(env, spec(0), Map.of(
        "pg1", primary("pg1", List.of()),
        "pg2", NodeHealthFacts.unreachable("pg2", "connection refused at 127.0.0.1:15433", AT)), Set.of());
  }

  /** The agent of pg2 is not running; a short start timeout because time does not skip while a task waits on a queue. */
  static String agentMissing(TestWorkflowEnvironment env) {
    return check(env, spec(1), Map.of(
        "pg1", primary("pg1", List.of(streaming("pg2"))),
        "pg2", replica("pg2")), Set.of("pg2"));
  }

  /**
   * The morning page's findings (issues 16, 18): an idle-in-transaction blocker heading a chain on the primary, an
   * inactive slot, and a PgBouncer pool with waiting clients; ends with a critical findings notification.
   */
  static String morningPageFindings(TestWorkflowEnvironment env) {
    DetailFacts pg1 = new DetailFacts("pg1", null, true, new Sessions(1, 501, 1000, 501, 1000,
        List.of(new Blocker(501, "app", "orders", "idle in transaction", 2, 120, false, "LOCK TABLE orders"))),
        List.of(new DatabaseXid("orders", 90_000_000L)), List.of(new TableXid("orders", "public.orders", 89_000_000L)),
        List.of(new Slot("old_etl", "logical", false, "reserved", 3 * GB)), GB / 4,
        new Archiver("on", 812, "000000010000000000000032", 40L, 0, null, null), List.of(), List.of(), List.of());
    PoolFacts pools = new PoolFacts(true, null, List.of(new PoolState("orders", "app", 10, 6, 10, 10, 4, 10, 16, 2000)));
    return check(env, spec(0), Map.of(
        "pg1", primary("pg1", List.of(streaming("pg2"))),
        "pg2", replica("pg2")), Set.of(), Map.of("pg1", pg1), pools);
  }

  /**
   * Issue 19: a cluster with a pgbackrest section whose archiver lags (segments waiting 40 min) and whose newest
   * physical backup is 3 days old; ends with a critical findings notification.
   */
  static String archiveLag(TestWorkflowEnvironment env) {
    ArchiveFacts archive = new ArchiveFacts(true, "pg1", "main", 30, "on", "000000010000000000000041", 2400L, 12,
        "000000010000000000000042", 30L, 9, 2400L, new ArchiveThresholds(300, 1800, 26, 50));
    long stop = AT.minus(Duration.ofHours(72)).getEpochSecond();
    List<PgBackRestBackup> physical = List.of(new PgBackRestBackup("20260102-090000F", "full", stop - 120, stop,
        40 * GB, 4 * GB, "000000010000000000000020", "000000010000000000000021", List.of(), "physical-backup:main"));
    return check(env, spec(0), Map.of(
        "pg1", primary("pg1", List.of(streaming("pg2"))),
        "pg2", replica("pg2")), Set.of(), Map.of(), new PoolFacts(false, null, List.of()), archive, physical);
  }

  private static String check(TestWorkflowEnvironment env, ClusterSpec spec, Map<String, NodeHealthFacts> facts,
                              Set<String> agentsDown) {
    return check(env, spec, facts, agentsDown, Map.of(), new PoolFacts(false, null, List.of()));
  }

  private static String check(TestWorkflowEnvironment env, ClusterSpec spec, Map<String, NodeHealthFacts> facts,
                              Set<String> agentsDown, Map<String, DetailFacts> details, PoolFacts pools) {
    return check(env, spec, facts, agentsDown, details, pools, ArchiveFacts.notConfigured(), List.of());
  }

  private static String check(TestWorkflowEnvironment env, ClusterSpec spec, Map<String, NodeHealthFacts> facts,
                              Set<String> agentsDown, Map<String, DetailFacts> details, PoolFacts pools,
                              ArchiveFacts archive, List<PgBackRestBackup> physical) {
    register(env, env.newWorker(TaskQueues.CENTRAL), spec, facts, agentsDown, details, pools, archive, physical);
    env.start();
    return run(env);
  }

  private static void register(TestWorkflowEnvironment env, Worker central, ClusterSpec spec,
                               Map<String, NodeHealthFacts> facts, Set<String> agentsDown,
                               Map<String, DetailFacts> details, PoolFacts pools,
                               ArchiveFacts archive, List<PgBackRestBackup> physical) {
    central.registerWorkflowImplementationTypes(HealthCheckWorkflowImpl.class);
    central.registerActivitiesImplementations((ConfigActivities) (DescribeClusterInput in) -> spec,
        (PostgresActivities) (HealthFactsInput in) -> facts.get(in.node()),
        (NotifyActivities) (Notification n) -> { },
        (io.pgrunbooks.workflows.activities.ReportActivities) r ->
            io.pgrunbooks.workflows.activities.ReportLayout.key("reports/", r),
        new io.pgrunbooks.workflows.healthcheck.NoBackups(), (ArchiveHealthActivities) cluster -> archive,
        new HealthDetailActivities() {
          @Override
          public DetailFacts collectDetailFacts(HealthFactsInput in) {
            return details.getOrDefault(in.node(), new DetailFacts(in.node(), null, "pg1".equals(in.node()),
                Sessions.none(), List.of(), List.of(), List.of(), null, null, List.of(), List.of(), List.of()));
          }

          @Override
          public PoolFacts collectPoolFacts(HealthDetailActivities.PoolFactsInput in) {
            return pools;
          }
        });
    for (NodeSpec node : spec.nodes()) {
      if (!agentsDown.contains(node.name())) {
        env.newWorker(TaskQueues.node(node.name()))
            .registerActivitiesImplementations(DiskOnlyAgent.of(in -> disk(in.node())), new InfoOnly(physical));
      }
    }
  }

  private static String run(TestWorkflowEnvironment env) {
    String id = WorkflowIds.healthCheck(CLUSTER);
    env.getWorkflowClient().newWorkflowStub(HealthCheckWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).setWorkflowRunTimeout(Duration.ofMinutes(10)).build())
        .run(HealthCheckInput.of(CLUSTER));
    return id;
  }

  /** The agents' pgBackRest as HealthCheck uses it: {@code info} only. */
  private record InfoOnly(List<PgBackRestBackup> backups) implements PgBackRestActivities {
    @Override
    public List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call) {
      return backups;
    }

    @Override
    public PgBackRestBackup pgbackrestBackup(PgBackRestCall call) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> pgbackrestExpire(PgBackRestCall call) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pgbackrestAnnotate(io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall call) {
      throw new UnsupportedOperationException();
    }
  }

  private static ClusterSpec spec(int agentStartTimeoutSeconds) {
    return new ClusterSpec(CLUSTER, List.of(new NodeSpec("pg1", "127.0.0.1", 15432, "pg1_slot"),
        new NodeSpec("pg2", "127.0.0.1", 15433, "pg2_slot")), HealthThresholds.defaults(), agentStartTimeoutSeconds);
  }

  private static NodeHealthFacts primary(String node, List<ReplicationPeer> replicas) {
    return facts(node, false, replicas, null);
  }

  private static NodeHealthFacts replica(String node) {
    return facts(node, true, List.of(), new WalReceiver("streaming", "127.0.0.1", 15432, node + "_slot", 0));
  }

  private static NodeHealthFacts facts(String node, boolean inRecovery, List<ReplicationPeer> replicas,
                                       WalReceiver receiver) {
    return new NodeHealthFacts(node, true, null, inRecovery, "PostgreSQL 15.8", 12, 100, List.of(), List.of(), 0.995,
        List.of(new DatabaseSize("postgres", 7_500_000), new DatabaseSize("orders", 3 * GB)), replicas, receiver, AT);
  }

  private static ReplicationPeer streaming(String replica) {
    return new ReplicationPeer(replica, "127.0.0.1", replica + "_slot", "streaming", "async", 0.02, 0.02, 0.02, 8192);
  }

  private static DiskUsage disk(String node) {
    return new DiskUsage(node, "/srv/pg/" + node, 3 * GB, 100 * GB, 60 * GB, "host-" + node);
  }
}
