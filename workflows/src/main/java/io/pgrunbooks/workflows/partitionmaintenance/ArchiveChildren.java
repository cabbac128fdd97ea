package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionCount;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionInput;
import io.pgrunbooks.workflows.archivepartition.ArchivePartitionWorkflowImpl;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.ChildWorkflowStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The approved archives of a run: one {@code ArchivePartition} child per partition, {@code archive.parallel} at once,
 * each carrying the run's approval as a {@link DelegatedApproval} scoped to that partition's exact rows and CSV hash
 * ({@link ArchivePartitionInput#scopeItem}). A child whose verified archive differs from the evidence asks its own
 * approval; its drop still proves the hash inside the dropping transaction.
 */
final class ArchiveChildren {
  /** Children at once when the policy carries no {@code archive.parallel} (policies recorded before it). */
  static final int DEFAULT_PARALLEL = 4;

  private ArchiveChildren() {}

  /** The limit configured for the tables to archive ({@code archive.parallel} is one value for the config). */
  static int parallel(List<TableWork> archives) {
    return archives.stream().map(w -> w.plan.policy().archiveParallel()).filter(p -> p != null && p > 0).findFirst()
        .orElse(DEFAULT_PARALLEL);
  }

  /** The untyped input of one ArchivePartition child; {@code delegated} null leaves it out (runs before it). */
  static Map<String, Object> input(PartitionMaintenanceInput input, String partition, String upperBound, Object cutoff,
                                   DelegatedApproval delegated) {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("cluster", input.cluster().strip());
    in.put("database", input.database().strip());
    in.put("partition", partition);
    in.put("drop", true);
    in.put("dryRun", false);
    in.put("requestedBy", input.requestedBy());
    in.put("reason", "PartitionMaintenance: expired (upper bound " + upperBound + " at or before " + cutoff + ")");
    if (delegated != null) {
      in.put("delegatedApproval", delegated);
    }
    return in;
  }

  /** The child stub of {@code partition}'s ArchivePartition run, with its usual id. */
  static ChildWorkflowStub stub(String cluster, String database, String partition) {
    return Workflow.newUntypedChildWorkflowStub(WorkflowTypes.ARCHIVE_PARTITION, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(WorkflowIds.archivePartition(cluster, database, partition)).setTaskQueue(TaskQueues.CENTRAL)
        .build());
  }

  /** Runs the archives of {@code approved} (table to its approved counts); returns how many were archived and dropped. */
  static int run(RunRecorder run, PartitionMaintenanceInput input, Map<TableWork, List<PartitionCount>> approved,
                 ApprovalOutcome outcome, int parallel) {
    record Job(TableWork work, PartitionCount count) {}
    List<Job> jobs = new ArrayList<>();
    approved.forEach((w, counts) -> counts.forEach(c -> jobs.add(new Job(w, c))));
    if (jobs.isEmpty()) {
      return 0;
    }
    WorkflowInfo info = Workflow.getInfo();
    List<String> approvers = outcome.approvedBy().isEmpty() ? List.of("config") : outcome.approvedBy();
    String cluster = input.cluster().strip();
    String database = input.database().strip();
    List<String> outcomes = run.step("archive " + jobs.size() + " expired partitions, " + parallel + " at once",
        () -> Waves.sliding(jobs, parallel, (i, job) -> {
          PartitionCount c = job.count();
          List<String> scope = List.of(ArchivePartitionInput.scopeItem(c.name(), c.rows(), c.sha256()));
          DelegatedApproval delegated = new DelegatedApproval(info.getWorkflowId(), info.getRunId(),
              WorkflowTypes.PARTITION_MAINTENANCE, outcome.requestId(), ArchivePartitionWorkflowImpl.DROP_STEP, scope,
              Delegation.digest(ArchivePartitionWorkflowImpl.DROP_STEP, scope), approvers);
          Map<String, Object> in = input(input, c.name(), c.to(), job.work().plan.cutoff(), delegated);
          ChildWorkflowStub child = stub(cluster, database, c.name());
          return child.executeAsync(Map.class, in).handle((r, e) -> e == null ? Retirement.outcome(r)
              : "FAILED: " + Failures.describe(e));
        }), o -> o.stream().filter(RunbookState.COMPLETED.name()::equals).count() + " archived and dropped");
    int done = 0;
    for (int i = 0; i < jobs.size(); i++) {
      TableWork w = jobs.get(i).work();
      String name = jobs.get(i).count().name();
      String o = outcomes.get(i);
      if (RunbookState.COMPLETED.name().equals(o)) {
        w.retired.add(name);
        run.change("archived and dropped partition " + name + " (ArchivePartition)");
        done++;
      } else if (o.startsWith("FAILED: ")) {
        w.failed(name + ": ArchivePartition failed: " + o.substring(8));
      } else {
        w.skipped.add(name + ": ArchivePartition ended " + o + "; partition kept");
      }
    }
    return done;
  }
}
