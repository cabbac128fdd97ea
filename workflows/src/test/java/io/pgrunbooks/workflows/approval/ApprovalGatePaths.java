package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;

/**
 * The approval gate's main paths, driven through the test runbook for the replay registry
 * ({@code replay/HistoryScenarios}): each returns the workflow id whose history is stored.
 */
public final class ApprovalGatePaths {
  private ApprovalGatePaths() {}

  public static String approvedByUpdate(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    wf.decide(new Decision(GateTestSupport.FIRST, "alice", true, "archive verified", null));
    return finished(wf);
  }

  /** An approver signed in through OpenID Connect: the subject and display name travel with the decision. */
  public static String approvedByOidcUpdate(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    wf.decide(new Decision(GateTestSupport.FIRST, "alice", true, "archive verified", null,
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "Alice Example"));
    return finished(wf);
  }

  /**
   * An SSO approver the config does not list ({@code approvals.identityRoles}): its roles travel with the decision,
   * signed by the API (v3), and the worker verifies them before the vote counts.
   */
  public static String approvedBySsoRoles(TestWorkflowEnvironment env) {
    Fakes.Approvals approvals = new Fakes.Approvals();
    approvals.policy = Fakes.identityPolicy(1, List.of("approver"));
    GatedTestWorkflow wf = startAwaiting(env, approvals, new Fakes.Partition());
    wf.decide(IdentityRolesWorkflowTest.ssoDecision(wf, "erin", "3f2a9c51-sso-erin", List.of("approver", "viewer")));
    return finished(wf);
  }

  public static String approvedBySignal(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    wf.approve(new ApprovalSignal(null, "bob", "ok", null));
    return finished(wf);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    wf.approve(new ApprovalSignal(GateTestSupport.FIRST, "mallory", "not an approver", null));
    wf.reject(new ApprovalSignal(GateTestSupport.FIRST, "carol", "not before the audit", null));
    return finished(wf);
  }

  public static String timedOut(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    // Waiting on the result lets time skip past the 24 h deadline.
    return finished(wf);
  }

  /** Approved after the 50% reminder went out (change id {@code approval-reminders}). */
  public static String remindedThenApproved(TestWorkflowEnvironment env) {
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), new Fakes.Partition());
    env.sleep(Duration.ofHours(13));
    wf.decide(new Decision(GateTestSupport.FIRST, "alice", true, "sorry, was away", null));
    return finished(wf);
  }

  public static String twoPerson(TestWorkflowEnvironment env) {
    Fakes.Approvals approvals = new Fakes.Approvals();
    approvals.policy = Fakes.policy(2, List.of(), false);
    GatedTestWorkflow wf = startAwaiting(env, approvals, new Fakes.Partition());
    wf.decide(new Decision(GateTestSupport.FIRST, "alice", true, "first", null));
    wf.decide(new Decision(GateTestSupport.FIRST, "bob", true, "second", null));
    return finished(wf);
  }

  public static String planChanged(TestWorkflowEnvironment env) {
    Fakes.Partition db = new Fakes.Partition();
    // Counted for the request, then moved before the drop: a second request must go out.
    db.rows = List.of(1200L, 1300L, 1300L, 1300L);
    GatedTestWorkflow wf = startAwaiting(env, new Fakes.Approvals(), db);
    wf.decide(new Decision(GateTestSupport.FIRST, "alice", true, "first plan", null));
    GateTestSupport.awaitPending(wf, "drop-partition-2");
    wf.decide(new Decision("drop-partition-2", "alice", true, "new plan", null));
    return finished(wf);
  }

  public static String preApproved(TestWorkflowEnvironment env) {
    Fakes.Approvals approvals = new Fakes.Approvals();
    approvals.policy = Fakes.policy(1, List.of(new PreApproval(GatedTestWorkflowImpl.STEP, "*",
        "approvals.preApprovals[0]")), false);
    GatedTestWorkflow wf = start(env, approvals, new Fakes.Partition());
    return finished(wf);
  }

  private static GatedTestWorkflow startAwaiting(TestWorkflowEnvironment env, Fakes.Approvals approvals,
                                                Fakes.Partition db) {
    GatedTestWorkflow wf = start(env, approvals, db);
    GateTestSupport.awaitPending(wf, GateTestSupport.FIRST);
    return wf;
  }

  private static GatedTestWorkflow start(TestWorkflowEnvironment env, Fakes.Approvals approvals, Fakes.Partition db) {
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(GatedTestWorkflowImpl.class);
    worker.registerActivitiesImplementations(approvals, new Fakes.Notify(), db, new io.pgrunbooks.workflows.replay.KeptReports());
    env.start();
    GatedTestWorkflow wf = env.getWorkflowClient().newWorkflowStub(GatedTestWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.CENTRAL)
            .setWorkflowId(GateTestSupport.WORKFLOW_ID)
            .setWorkflowRunTimeout(Duration.ofDays(7))
            .build());
    WorkflowClient.start(wf::run, GatedTestInput.of(GateTestSupport.PARTITION, GateTestSupport.REQUESTER));
    return wf;
  }

  private static String finished(GatedTestWorkflow wf) {
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    stub.getResult(io.pgrunbooks.workflows.common.RunReport.class);
    return stub.getExecution().getWorkflowId();
  }
}
