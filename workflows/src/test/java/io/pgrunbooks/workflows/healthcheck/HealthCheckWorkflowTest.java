package io.pgrunbooks.workflows.healthcheck;

import static io.pgrunbooks.workflows.healthcheck.Fixtures.CLUSTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.healthcheck.FakeActivities.Scenario;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.DetailFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolFacts;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.PoolState;
import io.pgrunbooks.workflows.activities.HealthDetailActivities.Sessions;
import io.pgrunbooks.workflows.activities.Notification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCheckWorkflowTest {
  private TestWorkflowEnvironment env;
  private final Scenario scenario = new Scenario();
  /** Nodes whose agent is not running: nobody polls their task queue. */
  private final Set<String> agentsDown = new HashSet<>();
  private Worker central;
  private final FakeActivities.Notify notify = new FakeActivities.Notify();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        .setUseTimeskipping(true)
        .build());
    TestEnvironments.registerSearchAttributes(env);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  // --- WAL archiving and physical backups (issue 19) ---

  private static final io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveThresholds ARCHIVE_LIMITS =
      new io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveThresholds(300, 1800, 26, 50);

  private static io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts archive(int ready,
      Long oldestReady) {
    return new io.pgrunbooks.workflows.activities.ArchiveHealthActivities.ArchiveFacts(true, "pg1", "main", 30, "on",
        "000000010000000000000041", 45L, 0, null, null, ready, oldestReady, ARCHIVE_LIMITS);
  }

  private static io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup physical(String label, Duration ago) {
    long stop = java.time.Instant.now().minus(ago).getEpochSecond();
    return new io.pgrunbooks.workflows.physicalbackup.PgBackRestBackup(label, "full", stop - 60, stop, 50_000_000L,
        5_000_000L, "000000010000000000000030", "000000010000000000000030", List.of(), null);
  }

  @Test
  void archiveLagPastTheUnhealthyLimitAndAnOldPhysicalBackupSendACriticalNotification() {
    scenario.archive = archive(7, 2400L);
    scenario.physical = List.of(physical("20261201-010000F", Duration.ofHours(60)));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::check).contains(
        tuple(HealthStatus.UNHEALTHY, "archive-lag"), tuple(HealthStatus.UNHEALTHY, "physical-backup"));
    assertThat(result.clusterFindings()).extracting(Finding::message).anyMatch(m -> m.startsWith(
        "WAL archive lag on pg1 is 2400 s: 7 WAL segment(s) waiting, the oldest for 2400 s"))
        .anyMatch(m -> m.startsWith("newest physical backup of stanza main is 20261201-010000F (full), finished 60 h"));
    assertThat(notify.sent).singleElement().satisfies(n -> {
      assertThat(n.severity()).isEqualTo(Notification.CRITICAL);
      assertThat(n.text()).contains("WAL archive lag on pg1 is 2400 s");
    });
  }

  @Test
  void archivingUpToDateAndAFreshPhysicalBackupAreHealthyFindings() {
    scenario.archive = archive(0, null);
    scenario.physical = List.of(physical("20261201-010000F", Duration.ofHours(40)),
        physical("20261202-010000F_20261203-010000I", Duration.ofHours(3)));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::message).contains(
        tuple(HealthStatus.HEALTHY, "WAL archive lag on pg1 is 0 s: no WAL segment waiting to be archived; last "
            + "archived 000000010000000000000041 45 s ago, 0 failures in total, none since the last success"));
    assertThat(result.clusterFindings()).extracting(Finding::message)
        .anyMatch(m -> m.startsWith("newest physical backup of stanza main is 20261202-010000F_20261203-010000I"));
  }

  @Test
  void aClusterWithoutPgBackRestGetsNoArchiveFindings() {
    HealthCheckResult result = check();

    assertThat(result.clusterFindings()).extracting(Finding::check).doesNotContain("archive-lag", "physical-backup");
  }

  @Test
  void pgbackrestInfoThatFailsIsADegradedFindingAndTheRunCompletes() {
    scenario.archive = archive(0, null);
    scenario.physical = null;
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::check, Finding::message).contains(
        tuple(HealthStatus.DEGRADED, "physical-backup", "newest physical backup not checked: pgbackrest info on pg1 "
            + "failed: pgbackrest info failed (exit 82): ERROR: [082] unable to read repository"));
  }

  // --- all well ---

  @Test
  void newestVerifiedBackupOlderThanAllowedMakesTheClusterUnhealthy() {
    java.time.Instant old = java.time.Instant.now().minus(java.time.Duration.ofHours(30));
    scenario.backupAges = List.of(new io.pgrunbooks.workflows.backup.VerifiedBackupAge("app", "k/app/1/", old, 26),
        new io.pgrunbooks.workflows.backup.VerifiedBackupAge("fresh", "k/fresh/1/", java.time.Instant.now(), 26));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::message).contains(
        tuple(HealthStatus.UNHEALTHY, "newest verified backup of app is 30 h old (k/app/1/; allowed 26 h)"));
    assertThat(result.clusterFindings()).anyMatch(f -> f.severity() == HealthStatus.HEALTHY
        && f.message().startsWith("newest verified backup of fresh is 0 h old"));
    assertThat(result.report().summary()).contains("no recent verified backup of app");
  }

  @Test
  void timeSinceTheNewestBackupAndTheLastSuccessfulVerificationIsReported() {
    java.time.Instant now = java.time.Instant.now();
    scenario.backupAges = List.of(new io.pgrunbooks.workflows.backup.VerifiedBackupAge("app", "k/app/1/",
        now.minus(Duration.ofHours(20)), 26, now.minus(Duration.ofHours(2)).minusSeconds(60),
        now.minus(Duration.ofHours(19)).minusSeconds(60)),
        new io.pgrunbooks.workflows.backup.VerifiedBackupAge("new", null, null, 26, now.minus(Duration.ofHours(1)), null));
    HealthCheckResult result = check();

    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::message).contains(
        tuple(HealthStatus.HEALTHY, "database app: newest backup 2 h ago, last successful verification 19 h ago"),
        tuple(HealthStatus.HEALTHY, "database new: newest backup 1 h ago, last successful verification never"),
        tuple(HealthStatus.UNHEALTHY, "database new has backups but none passed BackupVerification"));
  }

  @Test
  void backupsThatNeverVerifiedMakeTheClusterUnhealthy() {
    scenario.backupAges = List.of(new io.pgrunbooks.workflows.backup.VerifiedBackupAge("app", null, null, 26));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.clusterFindings()).extracting(Finding::message)
        .containsExactly("database app has backups but none passed BackupVerification");
  }

  @Test
  void healthyClusterIsHealthyWithRolesAndASummaryLine() {
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(result.primary()).isEqualTo("pg1");
    assertThat(result.clusterFindings()).isEmpty();
    assertThat(result.nodes()).extracting(NodeHealth::node, NodeHealth::role, NodeHealth::status)
        .containsExactly(tuple("pg1", "PRIMARY", HealthStatus.HEALTHY), tuple("pg2", "REPLICA", HealthStatus.HEALTHY));
    assertThat(result.nodes().get(1).disk().agentHost()).isEqualTo("host-pg2");
    assertThat(result.nodes().get(0).facts().databases()).hasSize(2);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.report().summary()).isEqualTo("main: HEALTHY — pg1 primary HEALTHY, pg2 replica HEALTHY");
    assertThat(result.report().steps()).extracting(StepRecord::name, StepRecord::status).containsExactly(
        tuple("describe cluster", StepRecord.DONE), tuple("collect facts", StepRecord.DONE),
        tuple("evaluate", StepRecord.DONE), tuple("morning page", StepRecord.DONE), tuple("backup age", StepRecord.DONE),
        tuple("archive lag and physical backup", StepRecord.DONE));
    assertThat(result.report().steps().get(5).detail()).isEqualTo("no pgbackrest section: not checked");
    assertThat(result.report().changes()).isEmpty();
    assertThat(notify.sent).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo("completed");
      assertThat(n.severity()).isNull();
      // The notifier resolves pg-runbooks/<cluster>/HealthCheck from a COMPLETED outcome of this cluster.
      assertThat(n.cluster()).isEqualTo("main");
      assertThat(n.fields()).containsEntry("outcome", "COMPLETED");
    });
  }

  // --- morning page (issues 16, 18) ---

  @Test
  void poolWithWaitingClientsIsDegradedAndSendsAWarningNamingThePool() {
    scenario.pools = new PoolFacts(true, null, List.of(new PoolState("app", "app_user", 5, 3, 5, 5, 2, 5, 8, 1500)));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::check).containsExactly(
        tuple(HealthStatus.DEGRADED, "pgbouncer"));
    assertThat(notify.sent).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo(Notification.FINDINGS);
      assertThat(n.severity()).isEqualTo(Notification.WARNING);
      assertThat(n.text()).contains("pool app/app_user: 5 clients active, 3 waiting (maxwait 2 s");
      assertThat(n.fields()).containsEntry("severity", Notification.WARNING);
      assertThat(n.cluster()).isEqualTo("main");
    });
  }

  @Test
  void idleInTransactionPastTheUnhealthyLimitSendsACriticalNotification() {
    scenario.details.put("pg1", new DetailFacts("pg1", null, true, new Sessions(2, 4242, 1200, 4242, 1300, List.of()),
        List.of(), List.of(), List.of(), null, null, List.of(), List.of(), List.of()));
    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(node(result, "pg1").findings()).extracting(Finding::severity, Finding::message).contains(
        tuple(HealthStatus.UNHEALTHY, "2 idle in transaction, the oldest pid 4242 for 1200 s ≥ 900 s"),
        tuple(HealthStatus.DEGRADED, "oldest open transaction: pid 4242, 1300 s ≥ 900 s"));
    assertThat(notify.sent).singleElement().satisfies(n -> {
      assertThat(n.event()).isEqualTo(Notification.FINDINGS);
      assertThat(n.severity()).isEqualTo(Notification.CRITICAL);
      assertThat(n.text()).contains("pg1 UNHEALTHY sessions: 2 idle in transaction, the oldest pid 4242");
    });
  }

  @Test
  void detailFactsThatCannotBeCollectedAreAFindingAndTheRunCompletes() {
    scenario.details.put("pg2", DetailFacts.failed("pg2", "connection refused"));
    HealthCheckResult result = check();

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::message).containsExactly(
        tuple(HealthStatus.DEGRADED, "morning-page facts not collected: connection refused"));
    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
  }

  // --- replication ---

  @Test
  void replicaWithReplayLagOverOneSecondIsDegraded() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 2.3)).build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(node(result, "pg1").status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(node(result, "pg2").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(result.report().summary())
        .isEqualTo("main: DEGRADED — pg1 primary HEALTHY, pg2 replica DEGRADED (replay lag 2.3 s ≥ 1 s)");
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
  }

  @Test
  void replicaWithReplayLagOverFiveSecondsIsUnhealthy() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 7.25)).build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::check, Finding::message)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "replication", "replay lag 7.25 s > 5 s"));
    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
  }

  @Test
  void replicaThatIsNotStreamingIsUnhealthy() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.peer("pg2", "catchup", null)).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg2").status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(messages(node(result, "pg2"))).containsExactly("replication from primary pg1 is 'catchup', not streaming");
  }

  @Test
  void replicaWhoseWalReceiverStoppedIsUnhealthy() {
    scenario.facts.put("pg2", Fixtures.replica("pg2").receiver(null).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg2").status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(messages(node(result, "pg2"))).containsExactly("in recovery but no WAL receiver is running");
  }

  @Test
  void replicaMissingFromPrimaryReplicationIsUnhealthy() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "not connected to primary pg1"));
    assertThat(result.report().summary()).contains("pg2 replica UNHEALTHY (not connected to primary pg1)");
  }

  // --- nodes and agents that do not answer ---

  @Test
  void unreachableNodeIsUnhealthyAndTheRunStillCompletes() {
    scenario.facts.put("pg2", io.pgrunbooks.workflows.activities.NodeHealthFacts.unreachable("pg2",
        "connection refused at 127.0.0.1:15433", Fixtures.AT));
    scenario.facts.put("pg1", Fixtures.primary("pg1").build());

    HealthCheckResult result = check();

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    NodeHealth pg2 = node(result, "pg2");
    assertThat(pg2.role()).isEqualTo("UNKNOWN");
    assertThat(messages(pg2)).containsExactly("unreachable: connection refused at 127.0.0.1:15433",
        "not connected to primary pg1");
    assertThat(result.report().summary()).contains("pg2 UNHEALTHY (unreachable: connection refused at 127.0.0.1:15433, +1 more)");
  }

  @Test
  void nodeAgentThatIsNotRunningIsAFindingAndTheRunCompletes() {
    agentsDown.add("pg2");
    withAgentStartTimeout(2);

    HealthCheckResult result = check();

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    NodeHealth pg2 = node(result, "pg2");
    assertThat(pg2.disk()).isNull();
    assertThat(pg2.findings()).extracting(Finding::severity, Finding::check, Finding::message).containsExactly(
        tuple(HealthStatus.DEGRADED, "disk", "node agent for pg2 did not answer within 2s (queue pg-runbooks-node-pg2)"));
    assertThat(node(result, "pg1").disk()).isNotNull();
    assertThat(result.report().steps().get(1).detail()).isEqualTo("PostgreSQL answered on 2 of 2 nodes, node agents on 1 of 2");
  }

  @Test
  void failingNodeAgentIsAFindingAndTheRunCompletes() {
    scenario.diskFailures.put("pg1", ApplicationFailure.newNonRetryableFailure(
        "data directory /srv/pg/pg1 does not exist", FailureTypes.CONFIG));

    HealthCheckResult result = check();

    assertThat(result.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(messages(node(result, "pg1")))
        .containsExactly("disk usage from the node agent of pg1 failed: data directory /srv/pg/pg1 does not exist");
  }

  @Test
  void progressQueryShowsTheCurrentStepWhileWaitingForAnAgent() {
    agentsDown.add("pg2");
    withAgentStartTimeout(2);
    startWorkers();
    HealthCheckWorkflow wf = newStub();
    WorkflowClient.start(wf::run, HealthCheckInput.of(CLUSTER));

    Progress during = awaitStep(wf, "collect facts");
    assertThat(during.state()).isEqualTo(RunbookState.RUNNING);
    assertThat(during.currentStep()).isEqualTo("collect facts");
    assertThat(during.steps()).extracting(StepRecord::name).containsExactly("describe cluster", "collect facts");

    WorkflowStub.fromTyped(wf).getResult(HealthCheckResult.class);
    Progress after = wf.progress();
    assertThat(after.state()).isEqualTo(RunbookState.COMPLETED);
    assertThat(after.currentStep()).isNull();
    assertThat(after.steps()).extracting(StepRecord::status).containsOnly(StepRecord.DONE);
  }

  // --- node load ---

  @Test
  void connectionsAtEightyPercentDegradeTheNode() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 0.0))
        .connections(85, 100).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg1").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(messages(node(result, "pg1"))).containsExactly("85 of 100 connections in use (85% ≥ 80%)");
  }

  @Test
  void connectionsAtNinetyPercentMakeTheNodeUnhealthy() {
    scenario.facts.put("pg2", Fixtures.replica("pg2").connections(180, 200).build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(messages(node(result, "pg2"))).containsExactly("180 of 200 connections in use (90% ≥ 90%)");
  }

  @Test
  void longRunningQueryDegradesTheNodeWithPidSecondsAndQueryText() {
    String query = "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.region = 'eu' ORDER BY o.total";
    scenario.facts.put("pg2", Fixtures.replica("pg2").longQuery(4242, 412, query).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg2").status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(messages(node(result, "pg2"))).singleElement().asString()
        .contains("pid 4242", "running 412 s > 300 s", query.substring(0, 80))
        .doesNotContain(query.substring(80));
  }

  @Test
  void lockWaitDegradesTheNode() {
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", null))
        .lockWait(31, 30, 12).build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(messages(node(result, "pg1")))
        .containsExactly("pid 31 waiting 12 s for a lock held by pid 30: UPDATE accounts SET balance = 0 WHERE id = 7");
  }

  @Test
  void lowCacheHitRatioDegradesTheNode() {
    scenario.facts.put("pg2", Fixtures.replica("pg2").cacheHit(0.93).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.DEGRADED, "cache hit ratio 93% < 95%"));
  }

  @Test
  void veryLowCacheHitRatioMakesTheNodeUnhealthy() {
    scenario.facts.put("pg2", Fixtures.replica("pg2").cacheHit(0.5).build());

    HealthCheckResult result = check();

    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "cache hit ratio 50% < 90%"));
  }

  @Test
  void nearlyFullDiskDegradesTheNode() {
    scenario.disks.put("pg1", Fixtures.disk("pg1", 87));

    HealthCheckResult result = check();

    assertThat(node(result, "pg1").findings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.DEGRADED, "filesystem of /srv/pg/pg1 87% used ≥ 85%, 13.0 GB free of 100.0 GB"));
  }

  @Test
  void fullDiskMakesTheNodeUnhealthy() {
    scenario.disks.put("pg2", Fixtures.disk("pg2", 96));

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(node(result, "pg2").findings()).extracting(Finding::severity, Finding::check)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "disk"));
  }

  // --- topology ---

  @Test
  void clusterWithoutReachablePrimaryIsUnhealthy() {
    scenario.facts.put("pg1", io.pgrunbooks.workflows.activities.NodeHealthFacts.unreachable("pg1",
        "connection refused at 127.0.0.1:15432", Fixtures.AT));

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.primary()).isNull();
    assertThat(result.clusterFindings()).extracting(Finding::message)
        .containsExactly("no reachable primary (pg1 unreachable, pg2 replica)");
    assertThat(result.report().summary()).startsWith("main: UNHEALTHY — no reachable primary");
  }

  @Test
  void twoPrimariesAreReportedAsSplitBrain() {
    scenario.facts.put("pg2", Fixtures.primary("pg2").build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(result.primary()).isNull();
    assertThat(result.clusterFindings()).extracting(Finding::severity, Finding::message)
        .containsExactly(tuple(HealthStatus.UNHEALTHY, "split brain: pg1 and pg2 both accept writes"));
    assertThat(result.nodes()).extracting(NodeHealth::role).containsExactly("PRIMARY", "PRIMARY");
  }

  // --- bad input and run bookkeeping ---

  @Test
  void unknownClusterFailsWithNonRetryableBadInput() {
    startWorkers();
    HealthCheckWorkflow wf = newStub("nope");

    assertThatThrownBy(() -> wf.run(HealthCheckInput.of("nope")))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure cause = rootApplicationFailure(e);
          assertThat(cause.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).isEqualTo("unknown cluster 'nope'; configured clusters: main");
        });
    WorkflowExecutionDescription d = WorkflowStub.fromTyped(wf).describe();
    assertThat(d.getTypedSearchAttributes().get(SearchAttributes.STATE)).isEqualTo("FAILED");
    assertThat(wf.progress().steps()).extracting(StepRecord::name, StepRecord::status, StepRecord::detail)
        .containsExactly(tuple("describe cluster", StepRecord.FAILED, "unknown cluster 'nope'; configured clusters: main"));
  }

  @Test
  void blankClusterIsRefusedBeforeAnythingRuns() {
    startWorkers();
    HealthCheckWorkflow wf = newStub(" ");

    assertThatThrownBy(() -> wf.run(HealthCheckInput.of(" ")))
        .isInstanceOf(WorkflowFailedException.class)
        .satisfies(e -> {
          ApplicationFailure cause = rootApplicationFailure(e);
          assertThat(cause.getType()).isEqualTo(FailureTypes.BAD_INPUT);
          assertThat(cause.isNonRetryable()).isTrue();
          assertThat(cause.getOriginalMessage()).contains("needs a cluster");
        });
  }

  @Test
  void searchAttributesNameTheRunbookTheClusterAndTheFinalState() {
    HealthCheckWorkflow wf = newStubAfterStart();
    wf.run(HealthCheckInput.of(CLUSTER));

    WorkflowExecutionDescription d = WorkflowStub.fromTyped(wf).describe();
    assertThat(d.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    io.temporal.common.SearchAttributes attrs = d.getTypedSearchAttributes();
    assertThat(attrs.get(SearchAttributes.TYPE)).isEqualTo("HealthCheck");
    assertThat(attrs.get(SearchAttributes.CLUSTER)).isEqualTo(CLUSTER);
    assertThat(attrs.get(SearchAttributes.TARGET)).isEqualTo(CLUSTER);
    assertThat(attrs.get(SearchAttributes.STATE)).isEqualTo("COMPLETED");
    assertThat(attrs.get(SearchAttributes.DRY_RUN)).isFalse();
  }

  @Test
  void historyOfARunWithAMissingAgentReplaysWithoutNonDeterminism() throws Exception {
    agentsDown.add("pg1");
    withAgentStartTimeout(1);
    scenario.facts.put("pg1", Fixtures.primary("pg1").replica(Fixtures.streaming("pg2", 3.0)).build());

    HealthCheckResult result = check();

    assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
    WorkflowReplayer.replayWorkflowExecution(
        env.getWorkflowClient().fetchHistory(WorkflowIds.healthCheck(CLUSTER)), central);
  }

  // --- helpers ---

  /**
   * The test server does not skip time while an activity task waits on a queue, so the agent
   * tests use a short schedule-to-start timeout instead of the 30 s default.
   */
  private void withAgentStartTimeout(int seconds) {
    scenario.spec = new io.pgrunbooks.workflows.activities.ClusterSpec(scenario.spec.name(), scenario.spec.nodes(),
        scenario.spec.health(), seconds);
  }

  private HealthCheckResult check() {
    return newStubAfterStart().run(HealthCheckInput.of(CLUSTER));
  }

  private HealthCheckWorkflow newStubAfterStart() {
    startWorkers();
    return newStub();
  }

  private void startWorkers() {
    central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(HealthCheckWorkflowImpl.class);
    central.registerActivitiesImplementations(new FakeActivities.Config(scenario), new FakeActivities.Postgres(scenario),
        notify, new FakeActivities.BackupStore(scenario), new FakeActivities.Details(scenario),
        new FakeActivities.Archive(scenario), new io.pgrunbooks.workflows.replay.KeptReports());
    for (var node : scenario.spec.nodes()) {
      if (!agentsDown.contains(node.name())) {
        env.newWorker(TaskQueues.node(node.name())).registerActivitiesImplementations(
            new FakeActivities.Agent(scenario, node.name()), new FakeActivities.PgBackRest(scenario));
      }
    }
    env.start();
  }

  private HealthCheckWorkflow newStub() {
    return newStub(CLUSTER);
  }

  private HealthCheckWorkflow newStub(String cluster) {
    return env.getWorkflowClient().newWorkflowStub(HealthCheckWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(WorkflowIds.healthCheck(cluster))
        .setWorkflowRunTimeout(Duration.ofMinutes(10))
        .build());
  }

  /** Queries until the run reaches {@code step}; time does not skip while the client is not waiting for a result. */
  private static Progress awaitStep(HealthCheckWorkflow wf, String step) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Progress p = wf.progress();
    while (!step.equals(p.currentStep()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      p = wf.progress();
    }
    return p;
  }

  private static NodeHealth node(HealthCheckResult result, String name) {
    return result.nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
  }

  private static java.util.List<String> messages(NodeHealth node) {
    return node.findings().stream().map(Finding::message).toList();
  }

  private static ApplicationFailure rootApplicationFailure(Throwable e) {
    ApplicationFailure found = null;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure app) {
        found = app;
      }
    }
    assertThat(found).as("an ApplicationFailure in the cause chain of %s", e).isNotNull();
    return found;
  }
}
