package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.activities.SessionActivities.Action;
import io.pgrunbooks.workflows.activities.SessionActivities.Outcome;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;

/** Recorded paths of {@code TerminateSessions} for the replay registry. */
public final class TerminateSessionsPaths {
  private TerminateSessionsPaths() {}

  /** Approved: the blocker is cancelled then terminated, the idler had already ended. */
  public static String approved(TestWorkflowEnvironment env) {
    SessionFakes fakes = new SessionFakes();
    fakes.answers.put(SessionFakes.IDLER.pid() + " " + Action.CANCEL, Outcome.GONE);
    TerminateSessionsWorkflow run = fakes.start(env);
    WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.approve(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "known stuck job", null));
    return finished(env);
  }

  public static String rejected(TestWorkflowEnvironment env) {
    TerminateSessionsWorkflow run = new SessionFakes().start(env);
    WorkflowClient.execute(run::run, SessionFakes.idleInput(false));
    run.reject(new ApprovalSignal(TestEnvironments.awaitPendingApproval(run), "bob", "that is the month-end job", null));
    return finished(env);
  }

  public static String dryRun(TestWorkflowEnvironment env) {
    new SessionFakes().start(env).run(SessionFakes.idleInput(true));
    return SessionFakes.ID;
  }

  /** More sessions match than maxSessions: refused before any signal. */
  public static String tooMany(TestWorkflowEnvironment env) {
    TerminateSessionsWorkflow run = new SessionFakes().start(env);
    WorkflowClient.execute(run::run, new TerminateSessionsInput("main", "app", "10m", null, null, null, null, null, 1,
        null, false, "alice", "cleanup"));
    return finished(env);
  }

  private static String finished(TestWorkflowEnvironment env) {
    try {
      env.getWorkflowClient().newUntypedWorkflowStub(SessionFakes.ID).getResult(TerminateSessionsResult.class);
    } catch (WorkflowFailedException expected) {
      // the refusal path ends FAILED on purpose
    }
    return SessionFakes.ID;
  }
}
