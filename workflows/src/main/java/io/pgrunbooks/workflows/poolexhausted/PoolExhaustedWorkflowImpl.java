package io.pgrunbooks.workflows.poolexhausted;

import io.pgrunbooks.workflows.activities.ClusterSpec;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.Pool;
import io.pgrunbooks.workflows.activities.PgBouncerPoolActivities.PoolsInput;
import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities;
import io.pgrunbooks.workflows.activities.PgBouncerStatsActivities.PoolStats;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.SessionActivities;
import io.pgrunbooks.workflows.activities.SessionActivities.ConnectionBudget;
import io.pgrunbooks.workflows.activities.SessionActivities.Criteria;
import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.approval.DelegatedApproval;
import io.pgrunbooks.workflows.approval.Delegation;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustionPlanner.Plan;
import io.pgrunbooks.workflows.poolexhausted.PoolExhaustionPlanner.Relief;
import io.pgrunbooks.workflows.poolresize.PoolHeadroom;
import io.pgrunbooks.workflows.poolresize.PoolResizeInput;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflow;
import io.pgrunbooks.workflows.poolresize.PoolResizeWorkflowImpl;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.terminatesessions.TerminateRules;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsInput;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflow;
import io.pgrunbooks.workflows.terminatesessions.TerminateSessionsWorkflowImpl;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link PoolExhaustedWorkflow}. */
public class PoolExhaustedWorkflowImpl extends RunbookWorkflowBase implements PoolExhaustedWorkflow {
  /** Approval step name: the one approval of the plan ({@code approvals.preApprovals}: target the PgBouncer entry). */
  public static final String STEP = "relieve-pool";
  /** A statement active this long is listed as a long runner (evidence only: it is never ended by this runbook). */
  static final long LONG_RUNNER_SECONDS = 60;
  /** How often, and how many times, {@code cl_waiting} is read again after the relief. */
  static final Duration RECHECK = Duration.ofSeconds(3);
  static final int RECHECKS = 20;
  /** Appended to the children's by-hand ids: {@code terminate-sessions:main:pool-exhausted}. */
  public static final String CHILD_SUFFIX = ":pool-exhausted";
  private static final RetryOptions RETRY = ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(10));

  private final SessionActivities sessions = Workflow.newActivityStub(SessionActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30)).retry(RETRY).build());
  private final PgBouncerStatsActivities stats = Workflow.newActivityStub(PgBouncerStatsActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30)).retry(RETRY).build());

  @Override
  public PoolExhaustedResult run(PoolExhaustedInput input) {
    List<String> problems = PoolExhaustionPlanner.problems(input);
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("PoolExhausted input: " + String.join("; ", problems)
          + "; e.g. {\"cluster\": \"main\", \"database\": \"app\"}", FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    RunRecorder run = begin(WorkflowTypes.POOL_EXHAUSTED, cluster,
        input.database() == null ? cluster : input.database().strip(), input);
    try {
      ConnectionBudget budget = run.step("connection budget", () -> sessions.connectionBudget(cluster),
          b -> "primary " + b.primaryNode() + ": max_connections " + b.maxConnections());
      PoolStats before = pool(run, cluster, input.database());
      List<Session> idle = run.step("idle-in-transaction sessions", () -> sessions.findSessions(new Criteria(cluster,
          before.database(), 0L, null, null, null, null, null, 200)), l -> l.size() + " in " + before.database());
      List<Session> runners = run.step("long runners", () -> sessions.findSessions(new Criteria(cluster,
          before.database(), null, null, LONG_RUNNER_SECONDS, null, null, null, 10)), l -> l.size() + " active >= "
          + LONG_RUNNER_SECONDS + " s");
      List<Session> holders = PoolExhaustionPlanner.holders(idle, PoolExhaustionPlanner.idle(input));
      Integer headroom = null;
      int reserve = 0;
      if (PoolExhaustionPlanner.needsHeadroom(before, holders) && budget.bouncerNode() != null) {
        PgBouncerPoolActivities bouncer = Workflow.newActivityStub(PgBouncerPoolActivities.class,
            ActivityStubs.onNode(budget.bouncerNode(), Duration.ofMinutes(2))
                .scheduleToStart(ClusterSpec.DEFAULT_AGENT_START_TIMEOUT).retry(RETRY).build());
        List<Pool> pools = run.step("read pools", () -> bouncer.readBouncerPools(new PoolsInput(cluster)),
            l -> l.size() + " [databases] entries on " + budget.bouncerNode());
        Pool entry = pools.stream().filter(p -> p.name().equals(before.name())).findFirst().orElse(null);
        if (entry != null) {
          PoolHeadroom h = PoolHeadroom.of(budget, pools, entry.name());
          headroom = h.headroom();
          reserve = entry.reservePool();
          run.log("headroom: " + h.describe());
        }
      }
      Duration revert = PoolExhaustionPlanner.revert(input);
      Plan plan = PoolExhaustionPlanner.plan(before, holders, headroom, reserve, revert);
      runners.forEach(s -> run.log("long runner (left alone) " + s.describe()));
      holders.forEach(s -> run.log("holder " + s.describe()));
      if (plan.relief() == Relief.NONE) {
        return result(finish(RunbookState.COMPLETED, plan.text()), plan, before, null, null, null);
      }
      if (plan.relief() == Relief.NO_RELIEF) {
        String findings = before.describe() + "\n" + plan.text() + "\nlong runners: " + (runners.isEmpty() ? "none"
            : runners.stream().map(Session::describe).toList());
        return result(finishWithFindings(Notification.CRITICAL, findings, "pool exhausted and " + plan.text()), plan,
            before, null, null, null);
      }
      if (input.dryRun()) {
        run.plan(plan.text());
        return result(finish(RunbookState.COMPLETED, "dry run: would " + plan.text() + "; nothing was changed"), plan,
            before, null, null, null);
      }
      boolean terminate = plan.relief() == Relief.TERMINATE;
      String childStep = terminate ? TerminateSessionsWorkflowImpl.STEP : PoolResizeWorkflowImpl.STEP;
      List<String> scope = terminate ? holders.stream().map(TerminateSessionsWorkflowImpl::scopeItem).toList()
          : List.of(PoolResizeInput.scopeItem(before.name(), plan.newPoolSize(), null, revert.toSeconds()));
      String digest = Delegation.digest(childStep, scope);
      ApprovalOutcome outcome = gate().request(ApprovalRequest.of(STEP, plan.text(), before.name(),
          evidence(before, plan, runners)).withPlanDigest(digest));
      if (!outcome.approved()) {
        return result(finish(outcome.endState(), "relief " + outcome.describe() + "; nothing was changed"), plan,
            before, null, null, null);
      }
      WorkflowInfo info = Workflow.getInfo();
      DelegatedApproval delegated = new DelegatedApproval(info.getWorkflowId(), info.getRunId(),
          WorkflowTypes.POOL_EXHAUSTED, outcome.requestId(), childStep, scope, digest,
          outcome.approvedBy().isEmpty() ? List.of("config") : outcome.approvedBy());
      String why = "PoolExhausted " + info.getWorkflowId() + ": " + plan.text();
      // Not derived from this run's id: replay runs under another id, and one relief per cluster at a time is the point.
      String childId = (terminate ? WorkflowIds.terminateSessions(cluster) : WorkflowIds.poolResize(cluster,
          before.name())) + CHILD_SUFFIX;
      // A resize child waits revertAfter before it returns: it outlives this run, which only needs the new size.
      ChildWorkflowOptions options = ChildWorkflowOptions.newBuilder().setWorkflowId(childId)
          .setParentClosePolicy(terminate ? ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE
              : ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON).build();
      Promise<String> child;
      if (terminate) {
        TerminateSessionsWorkflow stub = Workflow.newChildWorkflowStub(TerminateSessionsWorkflow.class, options);
        TerminateSessionsInput in = new TerminateSessionsInput(cluster, before.database(), plan.idleSeconds() + "s",
            null, null, null, null, null, Math.min(TerminateRules.MAX_SESSIONS_LIMIT, holders.size() * 2 + 10), false,
            false, input.requestedBy(), why, delegated);
        child = Async.function(stub::run, in).thenApply(r -> r.report().outcome().name() + ": " + r.report().summary());
        Workflow.getWorkflowExecution(stub).get();
      } else {
        PoolResizeWorkflow stub = Workflow.newChildWorkflowStub(PoolResizeWorkflow.class, options);
        PoolResizeInput in = new PoolResizeInput(cluster, before.name(), plan.newPoolSize(), null,
            revert.toSeconds() + "s", false, input.requestedBy(), why, delegated);
        child = Async.function(stub::run, in).thenApply(r -> r.report().outcome().name() + ": " + r.report().summary());
        Workflow.getWorkflowExecution(stub).get();
      }
      run.log("started child " + childId);
      if (terminate) {
        run.step("child TerminateSessions", child::get, s -> s);
      }
      PoolStats after = recheck(run, cluster, before, child);
      String childOutcome = child.isCompleted() ? child.get() : "RUNNING (reverts after " + revert + ")";
      run.change(childId + ": " + childOutcome);
      String summary = "'" + before.name() + "' cl_waiting " + before.clientsWaiting() + " -> " + after.clientsWaiting()
          + ", maxwait " + before.maxWaitMillis() + " -> " + after.maxWaitMillis() + " ms after: " + plan.text()
          + " (" + childId + ": " + childOutcome + ")";
      if (after.clientsWaiting() >= before.clientsWaiting()) {
        return result(finishWithFindings(Notification.WARNING, "the relief did not lower cl_waiting of '"
            + before.name() + "': " + after.describe(), summary), plan, before, after, childId, childOutcome);
      }
      return result(finish(RunbookState.COMPLETED, summary), plan, before, after, childId, childOutcome);
    } catch (RuntimeException e) {
      fail("PoolExhausted on " + cluster + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  private PoolStats pool(RunRecorder run, String cluster, String name) {
    List<PoolStats> all = run.step("pool stats", () -> stats.bouncerPoolStats(cluster), l -> l.size() + " entries");
    PoolStats p = PoolExhaustionPlanner.choose(all, name);
    if (p == null) {
      throw ApplicationFailure.newNonRetryableFailure("PgBouncer of cluster " + cluster + " has no [databases] entry "
          + (name == null ? "" : "'" + name.strip() + "' ") + "(entries: " + all.stream().map(PoolStats::name).toList()
          + ")", FailureTypes.BAD_INPUT);
    }
    run.log("before: " + p.describe());
    return p;
  }

  /** Reads the pool again until fewer clients wait than before, or the child failed, or time is up. */
  private PoolStats recheck(RunRecorder run, String cluster, PoolStats before, Promise<String> child) {
    PoolStats now = before;
    for (int i = 0; i < RECHECKS; i++) {
      Workflow.sleep(RECHECK);
      if (child.isCompleted()) {
        child.get(); // a failed child fails this run with its reason
      }
      now = pool(run, cluster, before.name());
      if (now.clientsWaiting() < before.clientsWaiting()) {
        break;
      }
    }
    return now;
  }

  private PoolExhaustedResult result(io.pgrunbooks.workflows.common.RunReport report, Plan plan, PoolStats before,
                                     PoolStats after, String child, String childOutcome) {
    return new PoolExhaustedResult(report, plan.relief(), plan.text(), before, after, child, childOutcome);
  }

  private static Map<String, String> evidence(PoolStats p, Plan plan, List<Session> runners) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pool", p.describe());
    m.put("clients waiting (cl_waiting)", Integer.toString(p.clientsWaiting()));
    m.put("longest wait (maxwait)", p.maxWaitMillis() + " ms");
    m.put("server connections", "active " + p.serversActive() + ", idle " + p.serversIdle() + ", used/tested/login "
        + p.serversUsed() + " of pool_size " + p.poolSize());
    for (Session s : plan.holders()) {
      m.put("holder pid " + s.pid(), s.describe());
    }
    m.put("long runners (left alone)", runners.isEmpty() ? "none" : runners.stream().map(Session::describe).toList()
        .toString());
    m.put("proposal", plan.text());
    m.put("acts through", plan.relief() == Relief.TERMINATE ? "a child TerminateSessions bound to these (pid, "
        + "backend_start) pairs" : "a child PoolResize with exactly this size");
    return m;
  }
}
