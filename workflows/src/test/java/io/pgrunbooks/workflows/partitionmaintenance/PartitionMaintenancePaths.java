package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;

/** Recorded paths of {@code PartitionMaintenance} for the replay registry. */
public final class PartitionMaintenancePaths {
  private static final String TABLE = "public.events";

  private PartitionMaintenancePaths() {}

  /** One monthly table that keeps its partitions forever: the missing future months are created, nothing retired. */
  public static String createdAhead(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(List.of(TABLE));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, new FixedApprovals(), new DroppedNotifications(), new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    String id = WorkflowIds.partitionMaintenance("main", "app");
    env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly"));
    if (catalog.created.isEmpty()) {
      throw new IllegalStateException("the path created no partition; it would record nothing worth replaying");
    }
    return id;
  }

  /**
   * One monthly table with a 3-month retention and a partition two years old: the future months are created and
   * the old partition is dropped under a pre-approval of the drop batch (the batched shape's drop activity).
   */
  public static String retired(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(List.of(TABLE));
    catalog.retention = "P3M";
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval("drop-partitions", "main/app", "approvals.preApprovals[0]"));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, approvals, new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    String id = WorkflowIds.partitionMaintenance("main", "app");
    env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(id).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", 2));
    if (catalog.dropped.isEmpty()) {
      throw new IllegalStateException("the path dropped no partition; it would record nothing worth replaying");
    }
    return id;
  }

  /**
   * 60 monthly tables with a 3-month retention, {@code parallel} 2: more than one activity takes, so the run starts
   * two {@link PartitionBatchWorkflow} children ({@code <id>/batch-1}, {@code -2}), each creating its tables' future
   * months and dropping their old partitions under the pre-approval. Returns the parent's id.
   */
  public static String batchChildren(TestWorkflowEnvironment env) {
    startBatchChildren(env);
    return WorkflowIds.partitionMaintenance("main", "app");
  }

  /** The first batch child of {@link #batchChildren}: its own history (plan, create, approval, drop). */
  public static String batchChild(TestWorkflowEnvironment env) {
    startBatchChildren(env);
    return WorkflowIds.partitionMaintenance("main", "app") + PartitionBatchWorkflow.ID_INFIX + 1;
  }

  /**
   * 60 tables, nothing pre-approved: the {@code batch-<n>} children create and count, the parent asks one approval
   * (approved by alice), the {@code retire-<n>} children drop on it. Returns the parent's id.
   */
  public static String batchApproval(TestWorkflowEnvironment env) {
    startBatchApproval(env);
    return WorkflowIds.partitionMaintenance("main", "app");
  }

  /** The first evidence child of {@link #batchApproval}: plan, create, count the expired partitions. */
  public static String evidenceChild(TestWorkflowEnvironment env) {
    startBatchApproval(env);
    return WorkflowIds.partitionMaintenance("main", "app") + PartitionBatchWorkflow.ID_INFIX + 1;
  }

  /** The first retire child of {@link #batchApproval}: plan again, count again, drop on the parent's delegation. */
  public static String retireChild(TestWorkflowEnvironment env) {
    startBatchApproval(env);
    return WorkflowIds.partitionMaintenance("main", "app") + BatchApproval.RETIRE_INFIX + 1;
  }

  private static void startBatchApproval(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(60);
    catalog.retention = "P3M";
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class, PartitionBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, new FixedApprovals(), new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    PartitionMaintenanceWorkflow run = env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
            .setWorkflowId(WorkflowIds.partitionMaintenance("main", "app")).build());
    java.util.concurrent.CompletableFuture<PartitionMaintenanceResult> result = io.temporal.client.WorkflowClient
        .execute(run::run, new PartitionMaintenanceInput("main", "app", null, 2, false, "carol", "monthly", 2));
    String requestId = io.pgrunbooks.workflows.replay.TestEnvironments.awaitPendingApproval(run);
    run.approve(new io.pgrunbooks.workflows.approval.ApprovalSignal(requestId, "alice", "the month's drops", null));
    result.join();
    if (catalog.dropped.size() != 60) {
      throw new IllegalStateException("the path dropped " + catalog.dropped.size() + " partitions; expected 60");
    }
  }

  /**
   * Two archived tables and one dropped, two expired partitions each, under one pre-approved {@code
   * retire-partitions} approval: the drops, then four ArchivePartition children two at once carrying the approval.
   */
  public static String archivedUnderOneApproval(TestWorkflowEnvironment env) {
    startArchived(env);
    return WorkflowIds.partitionMaintenance("main", "app");
  }

  /** One ArchivePartition child of {@link #archivedUnderOneApproval}: its drop on the delegated approval. */
  public static String delegatedArchive(TestWorkflowEnvironment env) {
    startArchived(env);
    return WorkflowIds.archivePartition("main", "app", ManyTables.old("public.a", 1));
  }

  private static void startArchived(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(List.of("public.a", "public.b", "public.c"));
    catalog.retention = "P3M";
    catalog.expiredPerTable = 2;
    catalog.archiveParallel = 2;
    catalog.archived.addAll(List.of("public.a", "public.b"));
    ArchivingTables archive = new ArchivingTables(catalog);
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval(RetirementPlan.STEP, "main/app", "approvals.preApprovals[0]"));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class, PartitionBatchWorkflowImpl.class,
        io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, archive, approvals, new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.newWorker(TaskQueues.HEAVY).registerActivitiesImplementations(archive);
    env.start();
    env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
                .setWorkflowId(WorkflowIds.partitionMaintenance("main", "app")).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", 2));
    if (catalog.dropped.size() != 6) {
      throw new IllegalStateException("the path retired " + catalog.dropped + "; expected 6 partitions");
    }
  }

  private static void startBatchChildren(TestWorkflowEnvironment env) {
    ManyTables catalog = new ManyTables(60);
    catalog.retention = "P3M";
    FixedApprovals approvals = new FixedApprovals();
    approvals.preApprovals = List.of(new PreApproval("drop-partitions", "main/app", "approvals.preApprovals[0]"));
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(PartitionMaintenanceWorkflowImpl.class, PartitionBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(catalog, approvals, new DroppedNotifications(),
        new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    PartitionMaintenanceResult r = env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL)
                .setWorkflowId(WorkflowIds.partitionMaintenance("main", "app")).build())
        .run(new PartitionMaintenanceInput("main", "app", null, 2, false, "alice", "monthly", 2));
    if (r.batches().size() != 2 || catalog.dropped.size() != 60) {
      throw new IllegalStateException("the path ran " + r.batches().size() + " batches and dropped "
          + catalog.dropped.size() + " partitions; expected 2 and 60");
    }
  }
}
