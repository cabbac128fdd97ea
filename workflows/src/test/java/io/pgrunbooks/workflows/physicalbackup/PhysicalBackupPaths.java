package io.pgrunbooks.workflows.physicalbackup;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Recorded paths of {@code PhysicalBackup} for the replay registry. */
public final class PhysicalBackupPaths {
  private PhysicalBackupPaths() {}

  public static String firstFull(TestWorkflowEnvironment env) {
    new PhysicalBackupRuns(env).start().run(PhysicalBackupInput.of("main", null));
    return PhysicalBackupRuns.ID;
  }

  public static String expireApproved(TestWorkflowEnvironment env) {
    PhysicalBackupRuns runs = withTwoFulls(env);
    PhysicalBackupWorkflow run = runs.start();
    CompletableFuture<PhysicalBackupResult> done = WorkflowClient.execute(run::run, PhysicalBackupInput.of("main", "full"));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "alice", "old full may go", null));
    done.join();
    return PhysicalBackupRuns.ID;
  }

  public static String expireRejected(TestWorkflowEnvironment env) {
    PhysicalBackupRuns runs = withTwoFulls(env);
    PhysicalBackupWorkflow run = runs.start();
    CompletableFuture<PhysicalBackupResult> done = WorkflowClient.execute(run::run, PhysicalBackupInput.of("main", "full"));
    TestEnvironments.awaitPendingApproval(run);
    run.reject(new ApprovalSignal(null, "bob", "no drill yet", null));
    done.join();
    return PhysicalBackupRuns.ID;
  }

  /** The expired full backup's chain was restored by a passed drill: no approval. */
  public static String expireProven(TestWorkflowEnvironment env) {
    PhysicalBackupRuns runs = withTwoFulls(env);
    runs.agent.prove(runs.agent.repo.get(1).label(), "restore-drill:main/run-1@2026-12-06T05:00:00Z");
    runs.start().run(PhysicalBackupInput.of("main", "full"));
    return PhysicalBackupRuns.ID;
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    withTwoFulls(env).start().run(new PhysicalBackupInput("main", "incr", true, "alice", "plan"));
    return PhysicalBackupRuns.ID;
  }

  /** backupStandby with pg2 streaming: the full backup runs on pg2's agent with pg1 as the primary. */
  public static String fromStandby(TestWorkflowEnvironment env) {
    PhysicalBackupRuns runs = new PhysicalBackupRuns(env);
    runs.central.backupStandby = true;
    runs.central.replicas = List.of(new StandbyCandidate("pg2", "streaming", 4096));
    runs.start().run(PhysicalBackupInput.of("main", null));
    return PhysicalBackupRuns.ID;
  }

  /** Two full backups with an incremental on the first: a third full pushes the first one out. */
  static PhysicalBackupRuns withTwoFulls(TestWorkflowEnvironment env) {
    return seedTwoFulls(new PhysicalBackupRuns(env));
  }

  static PhysicalBackupRuns seedTwoFulls(PhysicalBackupRuns runs) {
    runs.agent.add("full");
    runs.agent.add("incr");
    runs.agent.add("full");
    return runs;
  }
}
