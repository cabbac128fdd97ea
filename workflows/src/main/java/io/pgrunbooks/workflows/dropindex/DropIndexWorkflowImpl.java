package io.pgrunbooks.workflows.dropindex;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.DroppedIndex;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexRef;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.NodeScans;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** See {@link DropIndexWorkflow}. */
public class DropIndexWorkflowImpl extends RunbookWorkflowBase implements DropIndexWorkflow {
  /** Approval step; request ids {@code drop-index-N}, target {@code schema.index}. */
  public static final String STEP = "drop-index";

  private final IndexMaintenanceActivities sql = Workflow.newActivityStub(IndexMaintenanceActivities.class,
      // DROP INDEX CONCURRENTLY waits for transactions using the table.
      ActivityStubs.central(Duration.ofMinutes(30))
          .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .build());

  @Override
  public DropIndexResult run(DropIndexInput input) {
    String problem = DropIndexRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    String index = input.index().strip();
    IndexRef ref = new IndexRef(input.cluster().strip(), input.database().strip(), index);
    RunRecorder run = begin(WorkflowTypes.DROP_INDEX, ref.cluster(), index, input);
    try {
      IndexFacts facts = run.step("inspect", () -> sql.inspectIndex(ref), DropIndexWorkflowImpl::describe);
      facts.notes().forEach(run::log);
      String refusal = DropIndexRules.refusal(facts);
      if (refusal != null) {
        throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
      }
      run.plan("DROP INDEX CONCURRENTLY " + index);
      if (input.dryRun()) {
        return new DropIndexResult(finish(RunbookState.COMPLETED, "dry run: " + index + " may be dropped ("
            + facts.bytes() + " bytes); nothing was changed"), facts, false);
      }
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, "DROP INDEX CONCURRENTLY " + index, index,
          evidence(facts)));
      if (!outcome.approved()) {
        return new DropIndexResult(finish(outcome.endState(), index + " kept: " + outcome.describe()), facts, false);
      }
      DroppedIndex dropped = run.step("drop", () -> sql.dropIndex(ref),
          d -> d.alreadyGone() ? "already gone (an earlier attempt dropped it)" : "dropped");
      run.change("dropped index " + index + " (" + facts.definition() + ")");
      return new DropIndexResult(finish(RunbookState.COMPLETED, "dropped " + index + ", " + facts.bytes()
          + " bytes freed; to recreate: " + facts.definition()), facts, true);
    } catch (RuntimeException e) {
      fail("DropIndex of " + index + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  private static Map<String, String> evidence(IndexFacts f) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("definition (to recreate it)", f.definition());
    e.put("table", f.table());
    e.put("size", f.bytes() + " bytes");
    e.put("valid", String.valueOf(f.valid()));
    for (NodeScans s : f.scans()) {
      e.put("idx_scan on " + s.node() + (s.replica() ? " (replica)" : " (primary)"), s.scans() < 0 ? "unknown: "
          + s.problem() : s.scans() + " since " + s.statsResetAt());
    }
    return e;
  }

  private static String describe(IndexFacts f) {
    StringBuilder b = new StringBuilder(f.definition()).append("; ").append(f.bytes()).append(" bytes; idx_scan");
    f.scans().forEach(s -> b.append(' ').append(s.node()).append('=').append(s.scans()));
    return b.toString();
  }
}
