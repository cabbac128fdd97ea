package io.pgrunbooks.workflows.poolresize;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Pool;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.PoolsInput;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.ResizeInput;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Resized;
import io.pgrunbooks.workflows.activities.SessionActivities;
import io.pgrunbooks.workflows.activities.SessionActivities.ConnectionBudget;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link PoolResizeWorkflow}. */
public class PoolResizeWorkflowImpl extends RunbookWorkflowBase implements PoolResizeWorkflow {
  /** Approval step name ({@code approvals.preApprovals}: target the PgBouncer entry). */
  public static final String STEP = "resize-pool";
  /** getVersion change id of delegated approvals (PoolExhausted's children). */
  public static final String DELEGATION_CHANGE = "delegated-approval";
  private static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private final SessionActivities central = Workflow.newActivityStub(SessionActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30)).retry(RETRY).build());
  private boolean resized;

  @Override
  public PoolResizeResult run(PoolResizeInput input) {
    List<String> problems = PoolResizeRules.problems(input);
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("PoolResize input: " + String.join("; ", problems)
          + "; e.g. {\"cluster\": \"main\", \"database\": \"app\", \"poolSize\": 40, \"revertAfter\": \"2h\"}",
          FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    String entry = input.database().strip();
    RunRecorder run = begin(WorkflowTypes.POOL_RESIZE, cluster, entry, input);
    try {
      ConnectionBudget budget = run.step("connection budget", () -> central.connectionBudget(cluster),
          b -> "primary " + b.primaryNode() + ": max_connections " + b.maxConnections());
      if (budget.bouncerNode() == null) {
        throw ApplicationFailure.newNonRetryableFailure("cluster " + cluster + " has no clusters." + cluster
            + ".pgbouncer.node (with configFile): no PgBouncer to resize", FailureTypes.CONFIG);
      }
      PgBouncerPoolActivities bouncer = Workflow.newActivityStub(PgBouncerPoolActivities.class,
          ActivityStubs.onNode(budget.bouncerNode(), Duration.ofMinutes(2))
              .scheduleToStart(ClusterSpec.DEFAULT_AGENT_START_TIMEOUT).retry(RETRY).build());
      List<Pool> pools = run.step("read pools", () -> bouncer.readBouncerPools(new PoolsInput(cluster)),
          l -> l.size() + " [databases] entries on " + budget.bouncerNode());
      Pool current = pools.stream().filter(p -> p.name().equals(entry)).findFirst().orElseThrow(() ->
          ApplicationFailure.newNonRetryableFailure("PgBouncer of cluster " + cluster + " has no [databases] entry '"
              + entry + "' (entries: " + pools.stream().map(Pool::name).toList() + ")", FailureTypes.BAD_INPUT));
      PoolHeadroom headroom = PoolHeadroom.of(budget, pools, entry);
      int reserve = input.reservePoolSize() != null ? input.reservePoolSize() : current.reservePool();
      String refusal = headroom.refusal(input.poolSize(), reserve);
      if (refusal != null) {
        run.record("headroom", StepRecord.FAILED, run.now(), refusal);
        throw ApplicationFailure.newNonRetryableFailure(refusal, FailureTypes.SAFETY_REFUSED);
      }
      run.record("headroom", StepRecord.DONE, run.now(), headroom.describe());
      Duration revert = PoolResizeRules.revertAfter(input);
      String change = "'" + entry + "' pool_size " + current.poolSize() + " -> " + input.poolSize()
          + (input.reservePoolSize() == null ? "" : ", reserve_pool " + current.reservePool() + " -> " + reserve)
          + (revert == null ? "" : ", back after " + revert);
      if (input.dryRun()) {
        run.plan("[" + budget.bouncerNode() + "] rewrite " + change + " (temp file + rename), RELOAD, SHOW DATABASES");
        if (revert != null) {
          run.plan("after " + revert + ": pool_size " + current.poolSize() + " again, RELOAD, SHOW DATABASES");
        }
        return new PoolResizeResult(finish(RunbookState.COMPLETED, "dry run: " + change + " fits (" + headroom.headroom()
            + " left); nothing was changed"), current.poolSize(), -1, headroom.headroom(), false);
      }
      ApprovalRequest request = ApprovalRequest.of(STEP, "resize PgBouncer pool " + change, entry,
          evidence(current, input, reserve, headroom));
      // Only runs carrying a delegation take the new path, so runs recorded before it replay unchanged.
      ApprovalOutcome outcome = input.delegatedApproval() != null
          && Workflow.getVersion(DELEGATION_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
          ? gate().request(request, input.delegatedApproval(), List.of(PoolResizeInput.scopeItem(entry,
              input.poolSize(), input.reservePoolSize(), revert == null ? null : revert.toSeconds())))
          : gate().request(request);
      if (!outcome.approved()) {
        return new PoolResizeResult(finish(outcome.endState(), "resize " + outcome.describe() + "; nothing was changed"),
            current.poolSize(), -1, headroom.headroom(), false);
      }
      Resized done = run.step("resize", () -> bouncer.resizeBouncerPool(new ResizeInput(cluster, entry,
          input.poolSize(), input.reservePoolSize())), Resized::detail);
      resized = true;
      run.change(done.detail());
      if (revert == null) {
        return new PoolResizeResult(finish(RunbookState.COMPLETED, "resized " + change), current.poolSize(),
            input.poolSize(), headroom.headroom(), false);
      }
      Workflow.sleep(revert);
      Resized back = run.step("revert", () -> bouncer.resizeBouncerPool(new ResizeInput(cluster, entry,
          current.poolSize(), input.reservePoolSize() == null ? null : current.reservePool())), Resized::detail);
      run.change("reverted: " + back.detail());
      return new PoolResizeResult(finish(RunbookState.COMPLETED, "resized " + change + "; reverted to "
          + current.poolSize() + " after " + revert), current.poolSize(), input.poolSize(), headroom.headroom(), true);
    } catch (RuntimeException e) {
      fail("PoolResize of '" + entry + "' failed: " + Failures.describe(e) + (resized
          ? "; the new size stays in place (the revert did not run): resize it back by hand" : "; nothing was changed"));
      throw e;
    }
  }

  private static Map<String, String> evidence(Pool current, PoolResizeInput in, int reserve, PoolHeadroom h) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("current pool_size", current.poolSize() + (current.explicitPoolSize() ? "" : " (default_pool_size)"));
    m.put("current reserve_pool", Integer.toString(current.reservePool()));
    m.put("proposed pool_size", Integer.toString(in.poolSize()));
    m.put("proposed reserve_pool", Integer.toString(reserve));
    m.put("headroom", h.describe());
    m.put("clients waiting (cl_waiting)", Integer.toString(current.clientsWaiting()));
    m.put("revert after", in.revertAfter() == null ? "never" : in.revertAfter());
    return m;
  }
}
