package io.pgrunbooks.workflows.reindex;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.IndexSize;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexFacts;
import io.pgrunbooks.workflows.activities.IndexMaintenanceActivities.ReindexTarget;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link ReindexWorkflow}. */
public class ReindexWorkflowImpl extends RunbookWorkflowBase implements ReindexWorkflow {
  /** Approval step; request ids {@code reindex-N}, target the index or table. */
  public static final String STEP = "reindex";
  /** getVersion id: runs from before it called the rebuild directly, without reading its progress. */
  static final String PROGRESS_CHANGE = "reindex-progress";
  static final Duration PROGRESS_POLL = Duration.ofSeconds(15);

  private final IndexMaintenanceActivities sql = Workflow.newActivityStub(IndexMaintenanceActivities.class,
      ActivityStubs.central(Duration.ofHours(12))
          // The reindex heartbeats its progress; a lost worker's attempt is retried (and cleaned up) after a minute.
          .heartbeat(Duration.ofMinutes(1))
          .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofMinutes(1)))
          .build());
  private final IndexMaintenanceActivities reads = Workflow.newActivityStub(IndexMaintenanceActivities.class,
      ActivityStubs.central(Duration.ofMinutes(1))
          .retry(ActivityStubs.retry(2, Duration.ofSeconds(1), Duration.ofSeconds(5)))
          .build());
  private String rebuildStatus;

  @Override
  public ReindexResult run(ReindexInput input) {
    String problem = ReindexRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    boolean byIndex = input.index() != null && !input.index().isBlank();
    String name = (byIndex ? input.index() : input.table()).strip();
    ReindexTarget target = new ReindexTarget(input.cluster().strip(), input.database().strip(),
        byIndex ? name : null, byIndex ? null : name);
    RunRecorder run = begin(WorkflowTypes.REINDEX, target.cluster(), name, input);
    try {
      ReindexFacts facts = run.step("inspect", () -> sql.inspectReindex(target), ReindexWorkflowImpl::describe);
      facts.notes().forEach(run::log);
      refuseIf(ReindexRules.nothingToDo(facts.indexes(), input.forced()));
      DiskUsage disk = run.step("disk headroom", () -> agent(facts.primaryNode())
          .diskUsage(new DiskUsageInput(target.cluster(), facts.primaryNode())), d -> d.filesystemFreeBytes()
          + " bytes free on " + d.node());
      refuseIf(ReindexRules.headroomProblem(facts.indexes(), disk.filesystemFreeBytes()));
      String statement = "REINDEX " + (byIndex ? "INDEX" : "TABLE") + " CONCURRENTLY " + name;
      facts.leftovers().forEach(l -> run.plan("DROP INDEX CONCURRENTLY " + l + " (INVALID leftover)"));
      run.plan(statement);
      if (input.dryRun()) {
        return new ReindexResult(finish(RunbookState.COMPLETED, "dry run: " + statement + " would run; nothing was"
            + " changed"), facts.indexes(), List.of(), List.of());
      }
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, (facts.leftovers().isEmpty() ? ""
          : "drop INVALID leftovers " + facts.leftovers() + ", then ") + statement, name, evidence(facts)));
      if (!outcome.approved()) {
        return new ReindexResult(finish(outcome.endState(), name + " not rebuilt: " + outcome.describe()),
            facts.indexes(), List.of(), List.of());
      }
      List<IndexSize> after = run.step("reindex", () -> Workflow.getVersion(PROGRESS_CHANGE, Workflow.DEFAULT_VERSION,
          1) >= 1 ? awaitReindex(target) : sql.reindex(target), ReindexWorkflowImpl::sizes);
      rebuildStatus = null;
      facts.leftovers().forEach(l -> run.change("dropped INVALID leftover " + l));
      run.change("rebuilt " + name + " concurrently");
      return new ReindexResult(finish(RunbookState.COMPLETED, "rebuilt " + name + ": " + sizes(facts.indexes())
          + " -> " + sizes(after)), facts.indexes(), after, facts.leftovers());
    } catch (RuntimeException e) {
      fail("Reindex of " + name + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /** The rebuild runs as one long activity; meanwhile its progress is read so the progress query can show it. */
  private List<IndexSize> awaitReindex(ReindexTarget target) {
    Promise<List<IndexSize>> promise = Async.function(sql::reindex, target);
    while (!Workflow.await(PROGRESS_POLL, promise::isCompleted)) {
      try {
        rebuildStatus = reads.reindexProgress(target);
      } catch (RuntimeException e) {
        rebuildStatus = "progress unknown: " + Failures.describe(e);
      }
    }
    return promise.get();
  }

  @Override
  public Progress progress() {
    Progress p = super.progress();
    return rebuildStatus == null ? p : new Progress(p.state(), p.currentStep() + " (" + rebuildStatus + ")", p.steps(),
        p.pendingApprovals(), p.approvals(), p.log());
  }

  private static NodeActivities agent(String node) {
    return Workflow.newActivityStub(NodeActivities.class, ActivityStubs.onNode(node, Duration.ofMinutes(5))
        .scheduleToStart(Duration.ofMinutes(2))
        .retry(ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(100)))
        .build());
  }

  private static void refuseIf(String refusal) {
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
    }
  }

  private static Map<String, String> evidence(ReindexFacts f) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("table", f.table());
    for (IndexSize s : f.indexes()) {
      String why = ReindexRules.reason(s);
      e.put(s.index(), s.bytes() + " bytes" + (s.freshBytes() > 0 ? ", fresh copy ~" + s.freshBytes() : "")
          + (why == null ? "" : " (" + why + ")"));
    }
    if (!f.leftovers().isEmpty()) {
      e.put("INVALID leftovers to drop first", String.join(", ", f.leftovers()));
    }
    return e;
  }

  private static String describe(ReindexFacts f) {
    return f.indexes().size() + " index(es) of " + f.table() + ": " + sizes(f.indexes())
        + (f.leftovers().isEmpty() ? "" : "; leftovers " + f.leftovers());
  }

  private static String sizes(List<IndexSize> list) {
    StringBuilder b = new StringBuilder();
    for (IndexSize s : list) {
      b.append(b.length() == 0 ? "" : ", ").append(s.index()).append(' ').append(s.bytes()).append(" bytes");
    }
    return b.toString();
  }
}
