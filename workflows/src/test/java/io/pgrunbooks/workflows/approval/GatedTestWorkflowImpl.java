package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** See {@link GatedTestWorkflow}. Shaped like a real runbook: begin, steps, gate, compensation, finish. */
public class GatedTestWorkflowImpl extends RunbookWorkflowBase implements GatedTestWorkflow {
  static final String RUNBOOK = "GatedTest";
  static final String STEP = "drop-partition";

  private final PartitionTestActivities db = Workflow.newActivityStub(PartitionTestActivities.class,
      ActivityOptions.newBuilder()
          .setTaskQueue(TaskQueues.CENTRAL)
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());

  @Override
  public RunReport run(GatedTestInput input) {
    String p = input.partition();
    RunRecorder run = begin(RUNBOOK, "main", p, input);
    try {
      if (input.dryRun()) {
        run.plan("ALTER TABLE public.metrics DETACH PARTITION " + p);
        run.plan("DROP TABLE " + p);
        if (input.gateInDryRun()) {
          gate().request(plan(input));
        }
        return finish(RunbookState.COMPLETED, "dry run: would detach and drop " + p);
      }
      run.step("detach", () -> {
        db.detach(p);
        return p;
      }, x -> "detached " + x);
      run.change("detached " + p);
      ApprovalOutcome outcome = gate().approveUntilStable(STEP, () -> plan(input));
      if (!outcome.approved()) {
        run.step("re-attach", () -> {
          db.reattach(p);
          return p;
        }, x -> "re-attached " + x + ": drop " + outcome.describe());
        run.change("re-attached " + p);
        return finish(outcome.endState(), "drop of " + p + " " + outcome.describe() + "; partition re-attached");
      }
      run.step("drop", () -> {
        db.drop(p, outcome.planDigest());
        return p;
      }, x -> "dropped " + x);
      run.change("dropped " + p);
      return finish(RunbookState.COMPLETED, "dropped " + p + " (" + outcome.describe() + ")");
    } catch (RuntimeException e) {
      fail("GatedTest on " + p + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  private ApprovalRequest plan(GatedTestInput input) {
    Map<String, String> evidence = new LinkedHashMap<>();
    evidence.put("rows", String.valueOf(db.rowCount(input.partition())));
    evidence.put("archive", "s3://archive/" + input.partition() + ".csv.zst");
    ApprovalRequest request = ApprovalRequest.of(STEP, "drop partition " + input.partition(), input.partition(),
        evidence);
    return input.timeoutSeconds() == null ? request : request.withTimeout(Duration.ofSeconds(input.timeoutSeconds()));
  }
}
