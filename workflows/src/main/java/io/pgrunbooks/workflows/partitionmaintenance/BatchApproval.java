package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.activities.PostgresPartitionActivities.PartitionPolicy;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One approval for the whole expired set of a run too large for one activity (issue 22), in two rounds of batch
 * children: the first ({@code <id>/batch-<n>}, {@code evidenceOnly}) validates, plans, creates and counts its expired
 * partitions; the parent asks one approval of all of them ({@link RetirementPlan}); the second ({@code <id>/retire-<n>},
 * only batches with expired partitions) plans again, counts again and retires on the parent's approval, carried as a
 * {@link DelegatedApproval} scoped to its batch's items. A partition whose rows or hash moved in between is outside
 * that scope: its child asks a human again, and its drops still prove the rows in the dropping transaction.
 */
final class BatchApproval {
  /** Id infix of the second round's children. */
  static final String RETIRE_INFIX = "/retire-";

  private final RunRecorder run;
  private final ApprovalGate gate;
  private final PartitionMaintenanceInput input;
  private final BatchChildren children;

  BatchApproval(RunRecorder run, ApprovalGate gate, PartitionMaintenanceInput input, BatchChildren children) {
    this.run = run;
    this.gate = gate;
    this.input = input;
    this.children = children;
  }

  /**
   * Whether config pre-approves every step the batches could ask ({@code drop-partitions}, and
   * {@code retire-partitions} when a table archives) on {@code target}: then no person decides, the evidence round
   * would only cost a second pass over every table, and the run keeps one round of children that take the
   * pre-approval themselves.
   */
  static boolean preApproved(ApprovalGate gate, List<PartitionPolicy> policies, String target, RunRecorder run) {
    List<String> steps = policies.stream().anyMatch(PartitionPolicy::archive)
        ? List.of(RetirementPlan.STEP, Retirement.DROP_STEP) : List.of(Retirement.DROP_STEP);
    boolean all = steps.stream().allMatch(s -> gate.preApproves(s, target));
    if (all) {
      run.log("config pre-approves " + String.join(" and ", steps) + " on " + target
          + ": one round of batch children, each taking the pre-approval");
    }
    return all;
  }

  List<PartitionBatchResult> run(List<List<PartitionPolicy>> batches) {
    List<Integer> all = java.util.stream.IntStream.rangeClosed(1, batches.size()).boxed().toList();
    List<PartitionBatchResult> first = run.step("create and count expired in " + batches.size() + " batches",
        () -> children.children(batches, all, BatchChildren.ID_BATCH, true, null), BatchChildren::describe);
    List<List<ExpiredEvidence>> perBatch = first.stream().map(r -> r.evidenceOrEmpty().stream()
        .filter(e -> !e.counts().isEmpty()).toList()).toList();
    List<ExpiredEvidence> evidence = perBatch.stream().flatMap(List::stream).toList();
    if (evidence.isEmpty()) {
      return first;
    }
    int archiveParallel = batches.stream().flatMap(List::stream).map(PartitionPolicy::archiveParallel)
        .filter(Objects::nonNull).findFirst().orElse(ArchiveChildren.DEFAULT_PARALLEL);
    ApprovalRequest request = RetirementPlan.request(input.cluster().strip(), input.database().strip(), evidence,
        archiveParallel);
    RetirementPlan.fullList(evidence).forEach(run::log);
    ApprovalOutcome outcome = gate.request(request);
    if (!outcome.approved()) {
      String why = "expired partitions kept: " + request.step() + " " + outcome.describe();
      return first.stream().map(r -> r.evidenceOrEmpty().isEmpty() ? r : r.refused(outcome.endState(), why)).toList();
    }
    List<Integer> numbers = new ArrayList<>();
    List<List<PartitionPolicy>> retiring = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      if (!perBatch.get(i).isEmpty()) {
        numbers.add(i + 1);
        retiring.add(batches.get(i));
      }
    }
    WorkflowInfo info = Workflow.getInfo();
    List<String> approvers = outcome.approvedBy().isEmpty() ? List.of("config") : outcome.approvedBy();
    List<PartitionBatchResult> second = run.step("retire in " + retiring.size() + " batches",
        () -> children.children(retiring, numbers, RETIRE_INFIX, false, n -> {
          List<ExpiredEvidence> mine = perBatch.get(n - 1);
          String step = RetirementPlan.step(mine);
          List<String> scope = RetirementPlan.items(mine);
          return new DelegatedApproval(info.getWorkflowId(), info.getRunId(), WorkflowTypes.PARTITION_MAINTENANCE,
              outcome.requestId(), step, scope, Delegation.digest(step, scope), approvers);
        }), BatchChildren::describe);
    List<PartitionBatchResult> out = new ArrayList<>(first);
    for (int j = 0; j < numbers.size(); j++) {
      int at = numbers.get(j) - 1;
      out.set(at, PartitionBatchResult.merge(first.get(at), second.get(j)));
    }
    return out;
  }
}
