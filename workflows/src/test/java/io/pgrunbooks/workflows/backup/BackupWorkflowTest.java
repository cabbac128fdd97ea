package io.pgrunbooks.workflows.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every branch of Backup on mocked activities: source choice and retention with its approval. */
class BackupWorkflowTest {
  private static final Instant NOW = Instant.now();

  private BackupRuns runs;

  @BeforeEach
  void setUp() {
    runs = new BackupRuns(TestEnvironments.newEnvironment());
  }

  @AfterEach
  void tearDown() {
    runs.env.close();
  }

  @Test
  void healthyReplicaIsDumpedWhenPreferred() {
    BackupResult r = runs.start().backup().run(BackupInput.of("main", "app"));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.source()).isEqualTo("pg2");
    assertThat(runs.postgres.calls).containsExactly("dump app from pg2 to " + r.backupKey());
    assertThat(r.backupKey()).startsWith(BackupFakes.ROOT + "/").endsWith("Z/");
    assertThat(step(r, "choose source").detail()).contains("pg2 is a streaming replica");
    assertThat(r.report().changes()).containsExactly("uploaded backup s3://bucket/" + r.backupKey() + " (4096 bytes)");
  }

  @Test
  void unhealthyReplicaFallsBackToThePrimaryAndTheReportSaysWhy() {
    runs.postgres.replicaHealthy = false;
    BackupResult r = runs.start().backup().run(BackupInput.of("main", "app"));

    assertThat(r.source()).isEqualTo("pg1");
    assertThat(runs.postgres.calls).containsExactly("dump app from pg1 to " + r.backupKey());
    assertThat(step(r, "choose source").detail()).isEqualTo("pg1 is the primary; no healthy replica (pg2 is a replica"
        + " but not healthy)");
  }

  @Test
  void preferReplicaOffDumpsThePrimaryEvenWithAHealthyReplica() {
    runs.store.policy = policy(false, 2, 7);
    BackupResult r = runs.start().backup().run(BackupInput.of("main", "app"));

    assertThat(r.source()).isEqualTo("pg1");
    assertThat(step(r, "choose source").detail()).endsWith("preferReplica is off");
  }

  @Test
  void retentionDeletesOnlyAfterApprovalAndExactlyWhatItListed() {
    String oldest = runs.store.add(NOW.minus(Duration.ofDays(30)), true);
    String old = runs.store.add(NOW.minus(Duration.ofDays(20)), true);
    String kept1 = runs.store.add(NOW.minus(Duration.ofDays(10)), true);
    String kept2 = runs.store.add(NOW.minus(Duration.ofDays(9)), true);
    BackupWorkflow run = runs.start().backup();
    CompletableFuture<BackupResult> result = WorkflowClient.execute(run::run, BackupInput.of("main", "app"));

    BackupRuns.awaitPending(run);
    assertThat(runs.store.deleted).isEmpty();
    assertThat(run.progress().pendingApprovals().get(0).evidence()).containsEntry("delete", oldest + ", " + old);
    BackupRuns.approve(run, "alice");

    BackupResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.deleted()).containsExactly(oldest, old);
    assertThat(runs.store.deleted).containsExactly(oldest, old);
    assertThat(runs.store.entries).containsKeys(kept1, kept2, r.backupKey());
    assertThat(r.report().approvals()).anySatisfy(a -> assertThat(a.approver()).isEqualTo("alice"));
    assertThat(r.report().changes()).contains("deleted backup s3://bucket/" + oldest);
  }

  @Test
  void preApprovedRetentionDeletesWithoutWaitingAndTheReportNamesTheConfig() {
    runs.approvals.preApprovals = List.of(new PreApproval(BackupWorkflowImpl.DELETE_STEP, "*",
        "approvals.preApprovals[0]"));
    String oldest = runs.store.add(NOW.minus(Duration.ofDays(30)), true);
    runs.store.add(NOW.minus(Duration.ofDays(10)), true);
    runs.store.add(NOW.minus(Duration.ofDays(9)), true);

    BackupResult r = runs.start().backup().run(BackupInput.of("main", "app"));

    assertThat(r.deleted()).containsExactly(oldest);
    // The worker matches pre-approvals on cluster and database too: the run must tell it both.
    assertThat(runs.approvals.policyInputs).singleElement().isEqualTo(
        new ApprovalPolicyInput("Backup", "main", "app", "app"));
    assertThat(r.report().approvals()).singleElement().satisfies(a -> {
      assertThat(a.decision()).isEqualTo("PRE_APPROVED");
      assertThat(a.comment()).isEqualTo("pre-approved by config approvals.preApprovals[0]");
    });
  }

  @Test
  void rejectedRetentionKeepsEveryBackupAndTheNewOne() {
    String oldest = runs.store.add(NOW.minus(Duration.ofDays(30)), true);
    runs.store.add(NOW.minus(Duration.ofDays(10)), true);
    runs.store.add(NOW.minus(Duration.ofDays(9)), true);
    BackupWorkflow run = runs.start().backup();
    CompletableFuture<BackupResult> result = WorkflowClient.execute(run::run, BackupInput.of("main", "app"));
    BackupRuns.awaitPending(run);
    run.reject(new ApprovalSignal(null, "bob", "keep them for the audit", null));

    BackupResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.REJECTED);
    assertThat(r.report().summary()).contains("backup " + r.backupKey() + " taken").endsWith("nothing deleted");
    assertThat(r.deleted()).isEmpty();
    assertThat(runs.store.deleted).isEmpty();
    assertThat(runs.store.entries).containsKeys(oldest, r.backupKey());
  }

  @Test
  void theOnlyVerifiedBackupIsNeverDeletedHoweverOldAndNoApprovalIsAsked() {
    runs.store.policy = policy(true, 1, 7);
    String lastVerified = runs.store.add(NOW.minus(Duration.ofDays(90)), true);
    String failed = runs.store.add(NOW.minus(Duration.ofDays(60)), false);
    String unverified = runs.store.add(NOW.minus(Duration.ofDays(45)), null);

    BackupResult r = runs.start().backup().run(BackupInput.of("main", "app"));

    // Newer than the newest verified backup: they might still verify, so nothing qualifies for deletion.
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.deleted()).isEmpty();
    assertThat(r.report().approvals()).isEmpty();
    assertThat(step(r, "delete old backups").status()).isEqualTo(StepRecord.SKIPPED);
    assertThat(runs.store.entries).containsKeys(lastVerified, failed, unverified, r.backupKey());
  }

  @Test
  void unverifiedBackupsDoNotPushOutTheNewestVerifiedOne() {
    runs.store.policy = policy(true, 1, 7);
    String olderVerified = runs.store.add(NOW.minus(Duration.ofDays(90)), true);
    String lastVerified = runs.store.add(NOW.minus(Duration.ofDays(60)), true);
    runs.store.add(NOW.minus(Duration.ofDays(30)), null);
    runs.store.add(NOW.minus(Duration.ofDays(20)), null);
    BackupWorkflow run = runs.start().backup();
    CompletableFuture<BackupResult> result = WorkflowClient.execute(run::run, BackupInput.of("main", "app"));
    BackupRuns.approve(run, "alice");

    BackupResult r = result.join();
    assertThat(r.deleted()).containsExactly(olderVerified);
    assertThat(runs.store.entries).containsKey(lastVerified);
  }

  @Test
  void dryRunPlansTheDumpAndTheDeletesAndChangesNothing() {
    String oldest = runs.store.add(NOW.minus(Duration.ofDays(30)), true);
    runs.store.add(NOW.minus(Duration.ofDays(10)), true);
    runs.store.add(NOW.minus(Duration.ofDays(9)), true);

    BackupResult r = runs.start().backup().run(new BackupInput("main", "app", true, "alice", "plan"));

    assertThat(r.report().dryRun()).isTrue();
    assertThat(r.backupKey()).isNull();
    assertThat(r.report().plan()).anyMatch(p -> p.startsWith("pg_dump --snapshot=<id> --format=custom app"))
        .anyMatch(p -> p.equals("delete s3://bucket/" + oldest + " (verified, but older than the newest 2 verified"
            + " backups and than 7 days; needs approval delete-backups)"));
    assertThat(runs.postgres.calls).isEmpty();
    assertThat(runs.store.deleted).isEmpty();
  }

  private static BackupPolicy policy(boolean preferReplica, int keepVerified, int keepDays) {
    return new BackupPolicy("bucket", BackupFakes.ROOT, preferReplica, keepVerified, keepDays, 4, 26, "verify:5432");
  }

  private static StepRecord step(BackupResult r, String name) {
    return r.report().steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
