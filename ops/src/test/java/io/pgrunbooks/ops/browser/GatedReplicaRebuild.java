package io.pgrunbooks.ops.browser;

import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-only {@code ReplicaRebuild} (ops may not link the real activities) that goes through the real
 * {@link RunbookWorkflowBase} and {@link io.pgrunbooks.workflows.approval.ApprovalGate}: it asks one
 * approval to wipe the replica's data directory and ends with the decision. What the Temporal UI
 * shows of it (search attributes, current details, the approval text) is what the real runbook shows.
 */
public class GatedReplicaRebuild extends RunbookWorkflowBase implements ReplicaRebuildWorkflow {
  static final String ACTION = "stop pg2, move its data directory aside and re-clone it from the primary";

  @Override
  public ReplicaRebuildResult run(ReplicaRebuildInput input) {
    begin(WorkflowTypes.REPLICA_REBUILD, input.cluster(), input.replica(), input);
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("primary", "pg1");
    evidence.put("replay lag", "412 s");
    ApprovalOutcome outcome = gate().request(ApprovalRequest.of("wipe-data-dir", ACTION, input.replica(), evidence));
    RunReport report = outcome.approved()
        ? finish(RunbookState.COMPLETED, "rebuilt " + input.replica() + " (" + outcome.describe() + ")")
        : finish(outcome.endState(), outcome.describe());
    return new ReplicaRebuildResult(report, input.replica(), "pg1", null, false, 0, 0);
  }
}
