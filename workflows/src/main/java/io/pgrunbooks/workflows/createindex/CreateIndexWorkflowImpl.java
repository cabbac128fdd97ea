package io.pgrunbooks.workflows.createindex;

import io.pgrunbooks.workflows.activities.DiskUsage;
import io.pgrunbooks.workflows.activities.DiskUsageInput;
import io.pgrunbooks.workflows.activities.NodeActivities;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.CreateIndexSpec;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.ExplainInput;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexBuild;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexBuildInput;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.IndexPlan;
import io.pgrunbooks.workflows.activities.PostgresIndexActivities.StatementCost;
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
import java.util.Locale;
import java.util.Map;

/** See {@link CreateIndexWorkflow}. */
public class CreateIndexWorkflowImpl extends RunbookWorkflowBase implements CreateIndexWorkflow {
  /** Approval step; request ids start with it, pre-approvals name it with {@code schema.table} as target. */
  public static final String STEP = "create-index";
  /** Failure type of a build that failed (its INVALID index was dropped); not retried by the workflow. */
  public static final String BUILD_FAILED = "IndexBuildFailed";
  static final Duration PROGRESS_POLL = Duration.ofSeconds(15);
  static final int LOCK_RETRIES = 5;
  static final long LOCK_TIMEOUT_MILLIS = 5_000;

  private final PostgresIndexActivities sql =
      Workflow.newActivityStub(PostgresIndexActivities.class, IndexActivityOptions.SQL);
  private final PostgresIndexActivities build =
      Workflow.newActivityStub(PostgresIndexActivities.class, IndexActivityOptions.BUILD);
  private String buildStatus;

  @Override
  public CreateIndexResult run(CreateIndexInput input) {
    String problem = IndexRules.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String table = input.table().strip();
    RunRecorder run = begin(WorkflowTypes.CREATE_INDEX, cluster, table, input);
    try {
      String name = input.name() != null ? input.name().strip() : IndexRules.defaultName(table, input.columns());
      CreateIndexSpec spec = new CreateIndexSpec(cluster, input.database().strip(), table, input.columns(),
          input.definition(), name, input.uniqueIndex(),
          input.method() == null ? null : input.method().strip().toLowerCase(Locale.ROOT), input.where());
      IndexPlan plan = run.step("preflight", () -> sql.planCreateIndex(spec), CreateIndexWorkflowImpl::describe);
      plan.notes().forEach(run::log);
      refuseIf(plan.equivalentIndex() == null ? null : "an equivalent valid index exists already: "
          + plan.equivalentIndex() + " (" + plan.indexDef() + ")");
      refuseIf(IndexRules.lagProblem(plan.maxReplicaLagBytes()));
      DiskUsage disk = run.step("disk headroom", () -> IndexActivityOptions.agent(plan.primaryNode())
              .diskUsage(new DiskUsageInput(cluster, plan.primaryNode())),
          d -> d.filesystemFreeBytes() + " bytes free on " + d.node() + "; estimated index size "
              + plan.estimatedBytes() + " x " + IndexRules.HEADROOM_MARGIN);
      refuseIf(IndexRules.headroomProblem(plan.estimatedBytes(), disk.filesystemFreeBytes()));
      String index = table.substring(0, table.indexOf('.') + 1) + plan.name();
      if (plan.invalidLeftover() != null) {
        run.plan("DROP INDEX CONCURRENTLY " + plan.invalidLeftover() + " (INVALID leftover of an earlier build)");
      }
      run.plan(plan.statement());
      run.plan("ANALYZE " + table + "; EXPLAIN of " + plan.statements().size() + " statement(s) again");
      if (input.dryRun()) {
        return new CreateIndexResult(finish(RunbookState.COMPLETED, "dry run: " + plan.statement()
            + " would be run; nothing was changed"), index, plan.statement(), plan.estimatedBytes(), -1, plan.statements());
      }
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, (plan.invalidLeftover() == null ? ""
          : "drop the INVALID leftover " + plan.invalidLeftover() + ", then ") + plan.statement(), table, evidence(plan)));
      if (!outcome.approved()) {
        return new CreateIndexResult(finish(outcome.endState(), "index " + index + " not created: " + outcome.describe()),
            index, plan.statement(), plan.estimatedBytes(), -1, plan.statements());
      }
      IndexBuildInput buildInput = new IndexBuildInput(cluster, spec.database(), table, plan.name(), plan.indexDef(),
          plan.statement(), LOCK_RETRIES, LOCK_TIMEOUT_MILLIS);
      IndexBuild done = run.step("build", () -> awaitBuild(buildInput), CreateIndexWorkflowImpl::describe);
      buildStatus = null;
      done.cleanup().forEach(line -> run.change(line));
      if (!done.built()) {
        throw ApplicationFailure.newNonRetryableFailure("the build of " + index + " failed: " + done.error()
            + "; its INVALID index was dropped", BUILD_FAILED);
      }
      run.change((done.alreadyBuilt() ? "found " : "created ") + index + " (" + done.bytes() + " bytes)");
      List<StatementCost> after = run.step("analyze and explain", () -> sql.analyzeAndExplain(
          new ExplainInput(cluster, spec.database(), table, plan.statements())), CreateIndexWorkflowImpl::costs);
      return new CreateIndexResult(finish(RunbookState.COMPLETED, "created " + index + " (" + done.bytes()
          + " bytes, estimated " + plan.estimatedBytes() + "); " + costs(after)), index, plan.statement(),
          plan.estimatedBytes(), done.bytes(), after);
    } catch (RuntimeException e) {
      fail("CreateIndex on " + table + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /** The build runs as one long activity; meanwhile its progress is read so the progress query can show it. */
  private IndexBuild awaitBuild(IndexBuildInput in) {
    Promise<IndexBuild> promise = Async.function(build::buildIndex, in);
    while (!Workflow.await(PROGRESS_POLL, promise::isCompleted)) {
      try {
        buildStatus = sql.buildProgress(in);
      } catch (RuntimeException e) {
        buildStatus = "progress unknown: " + Failures.describe(e);
      }
    }
    return promise.get();
  }

  @Override
  public Progress progress() {
    Progress p = super.progress();
    return buildStatus == null ? p : new Progress(p.state(), p.currentStep() + " (" + buildStatus + ")", p.steps(),
        p.pendingApprovals(), p.approvals(), p.log());
  }

  private static void refuseIf(String refusal) {
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
    }
  }

  private static Map<String, String> evidence(IndexPlan plan) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("definition", plan.indexDef());
    e.put("statement", plan.statement());
    e.put("estimated size", plan.estimatedBytes() + " bytes (HypoPG)");
    e.put("replica lag", plan.maxReplicaLagBytes() + " bytes");
    if (plan.invalidLeftover() != null) {
      e.put("INVALID leftover", plan.invalidLeftover() + " (dropped before the build)");
    }
    int i = 0;
    for (StatementCost s : plan.statements()) {
      e.put("statement " + (++i), s.query() + " | calls " + s.calls() + ", mean " + s.meanMs() + " ms | cost "
          + s.costBefore() + " -> " + s.costAfter() + " (HypoPG)");
    }
    if (plan.statements().isEmpty()) {
      e.put("statements", "none of pg_stat_statements on this table could be planned");
    }
    return e;
  }

  private static String describe(IndexPlan p) {
    return p.indexDef() + "; estimated " + p.estimatedBytes() + " bytes; " + p.statements().size()
        + " statement(s) planned with it" + (p.invalidLeftover() == null ? "" : "; INVALID leftover " + p.invalidLeftover());
  }

  private static String describe(IndexBuild b) {
    return b.built() ? (b.alreadyBuilt() ? "already built by an earlier attempt" : "built in " + b.attempts()
        + " attempt(s)") + ", " + b.bytes() + " bytes" : "failed: " + b.error();
  }

  private static String costs(List<StatementCost> list) {
    if (list.isEmpty()) {
      return "no statement to compare";
    }
    StringBuilder b = new StringBuilder("plan cost before -> after:");
    for (StatementCost s : list) {
      b.append(' ').append(s.costBefore()).append(" -> ").append(s.costAfter()).append(';');
    }
    return b.toString();
  }
}
