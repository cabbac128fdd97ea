package io.pgrunbooks.workflows.healthcheck;

import io.pgrunbooks.workflows.activities.ArchiveHealthActivities;
import io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestActivities;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup;
import io.pgrunbooks.workflows.physicalbackup.PgBackRestCall;
import io.pgrunbooks.workflows.activities.ConfigActivities;
import io.pgrunbooks.workflows.activities.DescribeClusterInput;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.HealthDetailActivities;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.HealthFactsInput;
import io.pgrunbooks.workflows.activities.DiskOnlyAgent;
import io.pgrunbooks.workflows.activities.NodeHealthFacts;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.PostgresActivities;
import io.pgrunbooks.workflows.backup.ListBackupsInput;
import io.pgrunbooks.workflows.backup.VerifiedBackupAge;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Plain-Java stand-ins for the worker's and the node agents' activities, fed from one scenario. */
final class FakeActivities {
  private FakeActivities() {}

  /** What the fakes answer; tests change it before starting the run. */
  static final class Scenario {
    ClusterSpec spec = Fixtures.spec("pg1", "pg2");
    final Map<String, NodeHealthFacts> facts = new LinkedHashMap<>();
    final Map<String, DiskUsage> disks = new LinkedHashMap<>();
    final Map<String, RuntimeException> diskFailures = new LinkedHashMap<>();
    List<VerifiedBackupAge> backupAges = List.of();
    /** Morning-page facts per node; a node missing here gets quiet facts. */
    final Map<String, DetailFacts> details = new LinkedHashMap<>();
    PoolFacts pools = new PoolFacts(false, null, List.of());
    /** WAL archiving facts (issue 19); by default the cluster has no pgbackrest section. */
    ArchiveFacts archive = ArchiveFacts.notConfigured();
    /** What {@code pgbackrest info} lists on the node agents; null = it fails. */
    List<PgBackRestBackup> physical = List.of();

    Scenario() {
      facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 0.02)).build());
      facts.put("pg2", Fixtures.replica("pg2").build());
      disks.put("pg1", Fixtures.disk("pg1", 40));
      disks.put("pg2", Fixtures.disk("pg2", 41));
    }
  }

  static final class Config implements ConfigActivities {
    private final Scenario scenario;

    Config(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public ClusterSpec describeCluster(DescribeClusterInput input) {
      if (!scenario.spec.name().equals(input.cluster())) {
        throw ApplicationFailure.newNonRetryableFailure("unknown cluster '" + input.cluster()
            + "'; configured clusters: " + scenario.spec.name(), FailureTypes.BAD_INPUT);
      }
      return scenario.spec;
    }
  }

  static final class Postgres implements PostgresActivities {
    private final Scenario scenario;

    Postgres(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public NodeHealthFacts collectHealthFacts(HealthFactsInput input) {
      NodeHealthFacts f = scenario.facts.get(input.node());
      if (f == null) {
        throw ApplicationFailure.newNonRetryableFailure("unknown node " + input.node(), FailureTypes.BAD_INPUT);
      }
      return f;
    }
  }

  /** Morning-page facts from {@link Scenario#details} and {@link Scenario#pools}; a node without entry is quiet. */
  static final class Details implements HealthDetailActivities {
    private final Scenario scenario;

    Details(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public DetailFacts collectDetailFacts(HealthFactsInput input) {
      return scenario.details.getOrDefault(input.node(), quiet(input.node()));
    }

    @Override
    public PoolFacts collectPoolFacts(PoolFactsInput input) {
      return scenario.pools;
    }

    static DetailFacts quiet(String node) {
      return new DetailFacts(node, null, true, Sessions.none(), List.of(), List.of(), List.of(), null, null,
          List.of(), List.of(), List.of());
    }
  }

  /** The agent of one node; like the real one it refuses work meant for another host. */
  static final class Agent extends DiskOnlyAgent {
    private final Scenario scenario;
    private final String node;

    Agent(Scenario scenario, String node) {
      this.scenario = scenario;
      this.node = node;
    }

    @Override
    public DiskUsage diskUsage(DiskUsageInput input) {
      if (!node.equals(input.node())) {
        throw ApplicationFailure.newNonRetryableFailure("agent of " + node + " asked about " + input.node(),
            FailureTypes.BAD_INPUT);
      }
      RuntimeException failure = scenario.diskFailures.get(node);
      if (failure != null) {
        throw failure;
      }
      return scenario.disks.get(node);
    }
  }

  /** Every runbook notifies when it ends; this one only remembers. */
  static final class Archive implements ArchiveHealthActivities {
    private final Scenario scenario;

    Archive(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public ArchiveFacts collectArchiveFacts(String cluster) {
      return scenario.archive;
    }
  }

  /** The node agents' pgBackRest: only {@code info} is used by HealthCheck. */
  static final class PgBackRest implements PgBackRestActivities {
    private final Scenario scenario;

    PgBackRest(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call) {
      if (scenario.physical == null) {
        throw ApplicationFailure.newNonRetryableFailure("pgbackrest info failed (exit 82): ERROR: [082] unable to "
            + "read repository", "PgBackRestFailed");
      }
      return scenario.physical;
    }

    @Override
    public PgBackRestBackup pgbackrestBackup(PgBackRestCall call) {
      throw new UnsupportedOperationException("HealthCheck never takes a backup");
    }

    @Override
    public List<String> pgbackrestExpire(PgBackRestCall call) {
      throw new UnsupportedOperationException("HealthCheck never expires");
    }

    @Override
    public void pgbackrestAnnotate(io.pgrunbooks.workflows.physicalbackup.PgBackRestAnnotateCall call) {
      throw new UnsupportedOperationException("HealthCheck never annotates");
    }
  }

  static final class Notify implements NotifyActivities {
    final List<Notification> sent = new CopyOnWriteArrayList<>();

    @Override
    public void notify(Notification notification) {
      sent.add(notification);
    }
  }

  /** The bucket as HealthCheck sees it: the newest verified backup per database ({@link Scenario#backupAges}). */
  static final class BackupStore extends NoBackups {
    private final Scenario scenario;

    BackupStore(Scenario scenario) {
      this.scenario = scenario;
    }

    @Override
    public List<VerifiedBackupAge> verifiedAges(ListBackupsInput input) {
      return scenario.backupAges;
    }
  }
}
