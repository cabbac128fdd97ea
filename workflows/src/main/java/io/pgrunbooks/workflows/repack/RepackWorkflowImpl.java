package io.pgrunbooks.workflows.repack;

import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.RepackActivities;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackFacts;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackOutcome;
import io.pgrunbooks.workflows.activities.RepackActivities.RepackTarget;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link RepackWorkflow}. */
public class RepackWorkflowImpl extends RunbookWorkflowBase implements RepackWorkflow {
  /** Approval step; request ids {@code repack-N}, target the table. */
  public static final String STEP = "repack";

  private final RepackActivities sql = Workflow.newActivityStub(RepackActivities.class,
      ActivityStubs.central(Duration.ofMinutes(5)).retry(ActivityStubs.retry(5, Duration.ofSeconds(1),
          Duration.ofMinutes(1))).build());
  private final RepackActivities repacker = Workflow.newActivityStub(RepackActivities.class,
      ActivityStubs.central(Duration.ofHours(12))
          // pg_repack heartbeats its progress; a lost worker is noticed within two minutes and its objects dropped.
          .heartbeat(Duration.ofMinutes(2))
          .retry(ActivityStubs.retry(1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
          .build());

  @Override
  public RepackResult run(RepackInput input) {
    String problem = RepackRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    RepackTarget target = new RepackTarget(input.cluster().strip(), input.database().strip(), input.table().strip());
    RunRecorder run = begin(WorkflowTypes.REPACK, target.cluster(), target.table(), input);
    try {
      RepackFacts facts = run.step("inspect", () -> sql.inspectRepack(target), RepackRules::tableBloat);
      facts.notes().forEach(run::log);
      refuseIf(RepackRules.keyProblem(facts), FailureTypes.SAFETY_REFUSED);
      refuseIf(facts.extensionProblem(), FailureTypes.CONFIG);
      DiskUsage disk = run.step("disk headroom", () -> agent(facts.primaryNode())
          .diskUsage(new DiskUsageInput(target.cluster(), facts.primaryNode())), d -> d.filesystemFreeBytes()
          + " bytes free on " + d.node() + ", " + RepackRules.bytesNeeded(facts) + " needed");
      refuseIf(RepackRules.headroomProblem(facts, disk.filesystemFreeBytes()), FailureTypes.SAFETY_REFUSED);
      facts.leftovers().forEach(l -> run.plan("DROP " + l + " (left by an earlier pg_repack)"));
      run.plan("pg_repack --no-kill-backend --table " + facts.table() + " (ordered by " + facts.key() + ")");
      if (input.dryRun()) {
        return new RepackResult(finish(RunbookState.COMPLETED, "dry run: " + facts.table() + " would be repacked;"
            + " nothing was changed"), facts, null, List.of());
      }
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, "pg_repack " + facts.table()
          + " (brief ACCESS EXCLUSIVE locks at the start and at the swap)", facts.table(), evidence(facts, disk)));
      if (!outcome.approved()) {
        return new RepackResult(finish(outcome.endState(), facts.table() + " not repacked: " + outcome.describe()),
            facts, null, List.of());
      }
      RepackOutcome done;
      try {
        done = run.step("pg_repack", () -> repacker.repack(target), RepackWorkflowImpl::sizes);
      } catch (ActivityFailure e) {
        // The activity drops its own objects when it can; a killed worker cannot, so this runs either way.
        List<String> dropped = run.step("cleanup", () -> sql.cleanupRepack(target),
            d -> d.isEmpty() ? "nothing left behind" : "dropped " + d);
        dropped.forEach(d -> run.change("dropped " + d + " left by the failed pg_repack"));
        fail("pg_repack of " + facts.table() + " failed: " + Failures.describe(e)
            + (dropped.isEmpty() ? "; nothing was left behind" : "; dropped what it left: " + dropped));
        throw e;
      }
      done.cleanedBefore().forEach(l -> run.change("dropped " + l + " left by an earlier pg_repack"));
      run.change("repacked " + facts.table());
      return new RepackResult(finish(RunbookState.COMPLETED, "repacked " + facts.table() + ": " + sizes(done)),
          facts, done, done.cleanedBefore());
    } catch (RuntimeException e) {
      if (run.state() != RunbookState.FAILED) {
        fail("Repack of " + target.table() + " failed: " + Failures.describe(e));
      }
      throw e;
    }
  }

  private static NodeActivities agent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(5))
        .scheduleToStart(Duration.ofMinutes(2))
        .retry(ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(100)))
        .build());
  }

  private static void refuseIf(String refusal, String type) {
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, type);
    }
  }

  private static Map<String, String> evidence(RepackFacts f, DiskUsage disk) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("table", f.table() + ": " + RepackRules.tableBloat(f));
    e.put("key", f.key());
    for (IndexSize s : f.indexes()) {
      e.put(s.index(), RepackRules.index(s));
    }
    e.put("disk", disk.filesystemFreeBytes() + " bytes free on " + disk.node() + ", the copy needs "
        + RepackRules.bytesNeeded(f));
    if (!f.leftovers().isEmpty()) {
      e.put("left by an earlier pg_repack, dropped first", String.join(", ", f.leftovers()));
    }
    return e;
  }

  private static String sizes(RepackOutcome o) {
    return "table " + o.tableBytesBefore() + " -> " + o.tableBytesAfter() + " bytes, indexes " + o.indexBytesBefore()
        + " -> " + o.indexBytesAfter() + " bytes in " + o.seconds() + " s";
  }
}
