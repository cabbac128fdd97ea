package io.pgrunbooks.workflows.physicalbackup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every branch of PhysicalBackup on fake activities: type choice, dry run, retention with its approval, bad input. */
class PhysicalBackupWorkflowTest {
  private PhysicalBackupRuns runs;

  @BeforeEach
  void setUp() {
    runs = new PhysicalBackupRuns(TestEnvironments.newEnvironment());
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void theDefaultIncrementalBecomesFullWhenTheRepositoryHoldsNoFullBackup() {
    PhysicalBackupResult r = runs.start().run(PhysicalBackupInput.of("main", null));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(runs.agent.calls).containsExactly("backup full");
    assertThat(r.node()).isEqualTo("pg1");
    assertThat(r.backup().type()).isEqualTo("full");
    assertThat(r.backup().runKey()).startsWith(PhysicalBackupRuns.ID + "/");
    assertThat(r.report().changes()).singleElement().asString().contains("full backup " + r.backup().label())
        .contains("1000000 bytes").contains("WAL 000000010000000000000002 to 000000010000000000000003");
    assertThat(r.report().summary()).contains("expired 0");
  }

  @Test
  void withBackupStandbyTheBackupRunsOnTheStreamingReplicaWithTheLeastLag() {
    runs.central.backupStandby = true;
    runs.central.replicas = List.of(new StandbyCandidate("pg2", "streaming", 90_000),
        new StandbyCandidate("pg3", "streaming", 512), new StandbyCandidate("pg4", "catchup", 0));

    PhysicalBackupResult r = runs.start().run(PhysicalBackupInput.of("main", null));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(runs.agent.calls).containsExactly("backup full on pg3 standby of pg1");
    assertThat(r.node()).isEqualTo("pg3");
    assertThat(r.standby()).isEqualTo("pg3");
    assertThat(r.report().summary()).contains("on pg3 (standby; primary pg1)");
    assertThat(r.report().changes()).singleElement().asString().endsWith("files copied from standby pg3");
  }

  @Test
  void withBackupStandbyButNoStreamingReplicaTheBackupFallsBackToThePrimaryAndSaysSo() {
    runs.central.backupStandby = true;
    runs.central.replicas = List.of(new StandbyCandidate("pg2", null, -1), new StandbyCandidate("pg3", "catchup", 10));

    PhysicalBackupResult r = runs.start().run(PhysicalBackupInput.of("main", null));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(runs.agent.calls).containsExactly("backup full");
    assertThat(r.node()).isEqualTo("pg1");
    assertThat(r.standby()).isNull();
    assertThat(r.report().log()).anyMatch(l -> l.equals("backupStandby is set but no replica is streaming "
        + "from pg1 ([pg2: not connected, pg3: catchup]): backing up from the primary pg1 instead"));
  }

  @Test
  void aDryRunWithBackupStandbyNamesTheStandbyAndTakesNothing() {
    runs.central.backupStandby = true;
    runs.central.replicas = List.of(new StandbyCandidate("pg2", "streaming", 0));

    PhysicalBackupResult r = runs.start().run(new PhysicalBackupInput("main", "full", true, "alice", "plan"));

    assertThat(runs.agent.calls).isEmpty();
    assertThat(r.standby()).isEqualTo("pg2");
    assertThat(r.report().summary()).contains("on pg2 (standby; primary pg1)");
  }

  @Test
  void anIncrementalIsTakenOnTopOfAnExistingFull() {
    String full = runs.agent.add("full");
    PhysicalBackupResult r = runs.start().run(PhysicalBackupInput.of("main", " INCR "));

    assertThat(runs.agent.calls).containsExactly("backup incr");
    assertThat(r.backup().references()).contains(full);
    assertThat(step(r, "expire").status()).isEqualTo(StepRecord.SKIPPED);
  }

  @Test
  void expiringABackupNoDrillProvedWaitsForApprovalAndThenExpiresExactlyThePlan() {
    PhysicalBackupPaths.seedTwoFulls(runs);
    String oldest = runs.agent.repo.get(0).label();
    PhysicalBackupWorkflow run = runs.start();
    CompletableFuture<PhysicalBackupResult> done = WorkflowClient.execute(run::run, PhysicalBackupInput.of("main", "full"));

    String id = TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(runs.agent.calls).containsExactly("backup full");
    assertThat(pending.evidence()).containsEntry("expire", oldest)
        .containsEntry("full backups left", "2");
    assertThat(pending.evidence().get("why approval")).contains("no restore drill has proven " + oldest);
    run.approve(new ApprovalSignal(id, "alice", "ok", null));
    PhysicalBackupResult r = done.join();

    assertThat(runs.agent.calls).containsExactly("backup full", "expire " + oldest);
    assertThat(r.expired()).containsExactly(oldest);
    assertThat(runs.agent.repo).extracting(PgBackRestBackup::type).containsExactly("full", "full");
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
  }

  @Test
  void expiringAFullBackupADrillProvedNeedsNoApprovalAndTheReportNamesTheDrill() {
    PhysicalBackupPaths.seedTwoFulls(runs);
    String oldest = runs.agent.repo.get(0).label();
    String incr = runs.agent.repo.get(1).label();
    runs.agent.prove(incr, "restore-drill:main/run-1@2026-12-06T05:00:00Z");

    PhysicalBackupResult r = runs.start().run(PhysicalBackupInput.of("main", "full"));

    assertThat(runs.agent.calls).containsExactly("backup full", "expire " + oldest);
    assertThat(r.expired()).containsExactly(oldest);
    assertThat(r.report().approvals()).isEmpty();
    assertThat(r.report().log()).anyMatch(l -> l.contains("expire needs no approval")
        && l.contains(incr + ": restore-drill:main/run-1@2026-12-06T05:00:00Z"));
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
  }

  @Test
  void aProvenExpireStillAsksWhenItWouldLeaveFewerFullsThanTheMinimum() {
    runs.central.minFull = 3;
    PhysicalBackupPaths.seedTwoFulls(runs);
    runs.agent.prove(runs.agent.repo.get(0).label(), "restore-drill:main/run-1@2026-12-06T05:00:00Z");
    PhysicalBackupWorkflow run = runs.start();
    CompletableFuture<PhysicalBackupResult> done = WorkflowClient.execute(run::run, PhysicalBackupInput.of("main", "full"));

    TestEnvironments.awaitPendingApproval(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.evidence().get("why approval")).isEqualTo("2 full backups would remain, fewer than the minimum 3");
    assertThat(pending.evidence().get("proven by restore drills")).contains("restore-drill:main/run-1");
    run.reject(new ApprovalSignal(null, "bob", "keep three", null));
    assertThat(done.join().expired()).isEmpty();
  }

  @Test
  void aRejectedExpireKeepsEveryBackupAndTheNewBackupStands() {
    PhysicalBackupPaths.seedTwoFulls(runs);
    PhysicalBackupWorkflow run = runs.start();
    CompletableFuture<PhysicalBackupResult> done = WorkflowClient.execute(run::run, PhysicalBackupInput.of("main", "full"));
    TestEnvironments.awaitPendingApproval(run);
    run.reject(new ApprovalSignal(null, "bob", "no drill yet", null));
    PhysicalBackupResult r = done.join();

    assertThat(runs.agent.calls).containsExactly("backup full");
    assertThat(runs.agent.repo).hasSize(4);
    assertThat(r.backup()).isNotNull();
    assertThat(r.expired()).isEmpty();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
  }

  @Test
  void aDryRunTakesNothingAndListsTheCommands() {
    PhysicalBackupPaths.seedTwoFulls(runs);
    PhysicalBackupResult r = runs.start().run(new PhysicalBackupInput("main", "diff", true, "alice", null));

    assertThat(runs.agent.calls).isEmpty();
    assertThat(r.backup()).isNull();
    assertThat(r.report().plan()).first().asString().contains("--type=diff backup");
  }

  @Test
  void anUnknownTypeFailsBeforeAnyActivity() {
    TestEnvironments.assertApplicationFailure(() -> runs.start().run(PhysicalBackupInput.of("main", "weekly")),
        FailureTypes.BAD_INPUT, "unknown backup type 'weekly'; use one of full, diff, incr");
    assertThat(runs.agent.calls).isEmpty();
  }

  @Test
  void aMissingClusterFailsBeforeAnyActivity() {
    TestEnvironments.assertApplicationFailure(() -> runs.start().run(PhysicalBackupInput.of(" ", null)),
        FailureTypes.BAD_INPUT, "PhysicalBackup needs a cluster");
    assertThat(runs.agent.calls).isEmpty();
  }

  private static StepRecord step(PhysicalBackupResult r, String name) {
    List<StepRecord> steps = r.report().steps();
    return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
