package io.pgrunbooks.workflows.integritycheck;

import io.pgrunbooks.workflows.activities.IntegrityActivities;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityFindings;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityPlan;
import io.pgrunbooks.workflows.activities.IntegrityActivities.IntegrityTarget;
import io.pgrunbooks.workflows.activities.IntegrityActivities.NodeChecksums;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/** See {@link IntegrityCheckWorkflow}. */
public class IntegrityCheckWorkflowImpl extends RunbookWorkflowBase implements IntegrityCheckWorkflow {
  private final IntegrityActivities reads = Workflow.newActivityStub(IntegrityActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2)).retry(ActivityStubs.retry(5, Duration.ofSeconds(1),
          Duration.ofMinutes(1))).build());
  private final IntegrityActivities amcheck = Workflow.newActivityStub(IntegrityActivities.class,
      ActivityStubs.central(Duration.ofHours(12))
          // One heartbeat per relation: a lost worker is noticed within two minutes and the check starts over.
          .heartbeat(Duration.ofMinutes(2))
          .retry(ActivityStubs.retry(3, Duration.ofSeconds(5), Duration.ofMinutes(1)))
          .build());

  @Override
  public IntegrityCheckResult run(IntegrityCheckInput input) {
    String problem = IntegrityRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    IntegrityTarget target = new IntegrityTarget(input.cluster().strip(), input.database().strip(),
        input.node() == null || input.node().isBlank() ? null : input.node().strip(),
        input.tables() == null ? List.of() : input.tables().stream().map(String::strip).toList(), input.allIndexed(),
        input.dryRun());
    RunRecorder run = begin(WorkflowTypes.INTEGRITY_CHECK, target.cluster(), target.database(), input);
    try {
      IntegrityPlan plan = run.step("plan", () -> reads.planIntegrity(target), p -> p.tables().size()
          + " table(s) on " + p.node() + (p.replica() ? " (replica)" : " (primary)"));
      plan.notes().forEach(run::log);
      if (plan.createdExtension()) {
        run.change("CREATE EXTENSION amcheck on " + plan.primaryNode() + " (replicates to the replicas)");
      }
      List<NodeChecksums> checksums = run.step("checksum failures", () -> reads.checksumFailures(target.cluster()),
          l -> l.stream().map(n -> n.node() + " " + (n.problem() != null ? "unreadable" : n.total()
              + (n.dataChecksums() ? "" : " (data checksums off)"))).toList().toString());
      run.plan("amcheck on " + plan.node() + ": verify_heapam and bt_index_check" + (target.heapallindexed()
          ? " (heapallindexed)" : "") + " of " + plan.tables().size() + " table(s)");
      IntegrityFindings found = null;
      if (!input.dryRun()) {
        found = run.step("amcheck", () -> amcheck.checkRelations(target, plan), f -> f.tablesChecked()
            + " table(s), " + f.indexesChecked() + " index(es) checked in " + f.seconds() + " s, "
            + f.corruptions().size() + " corrupt" + (f.skipped().isEmpty() ? "" : ", skipped " + f.skipped()));
      }
      List<String> findings = IntegrityRules.findings(checksums, found);
      String summary = (input.dryRun() ? "dry run: amcheck not run; " : "") + (findings.isEmpty()
          ? "no corruption found" : findings.size() + " finding(s)") + " in " + target.database() + " on "
          + plan.node();
      if (findings.isEmpty()) {
        return new IntegrityCheckResult(finish(RunbookState.COMPLETED, summary), checksums, found, findings);
      }
      return new IntegrityCheckResult(finishWithFindings(Notification.CRITICAL, "- " + String.join("\n- ",
          findings), summary), checksums, found, findings);
    } catch (RuntimeException e) {
      fail("IntegrityCheck of " + target.database() + " failed: " + Failures.describe(e));
      throw e;
    }
  }
}
