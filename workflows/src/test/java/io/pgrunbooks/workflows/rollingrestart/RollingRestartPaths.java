package io.pgrunbooks.workflows.rollingrestart;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.Map;

/** Recorded paths of {@code RollingRestart} for the replay registry. */
public final class RollingRestartPaths {
  private static final String ID = "rolling-restart:main";

  private RollingRestartPaths() {}

  /** max_connections on a direct cluster: replica restarted, switchover, old primary rejoined. */
  public static String direct(TestWorkflowEnvironment env) {
    return approved(env, "direct", Map.of("max_connections", "150"));
  }

  /** The same through Patroni's REST API. */
  public static String patroni(TestWorkflowEnvironment env) {
    return approved(env, "patroni", Map.of("max_connections", "150"));
  }

  /** A reload-only parameter: no restart, no switchover. */
  public static String reloadOnly(TestWorkflowEnvironment env) {
    return approved(env, "direct", Map.of("checkpoint_timeout", "10min"));
  }

  /** Direct: pg_rewind of the old primary fails; a child ReplicaRebuild rejoins it. */
  public static String rewindFailedRebuilt(TestWorkflowEnvironment env) {
    RollingFakes fakes = new RollingFakes("direct");
    fakes.rewindFails = true;
    return approved(env, fakes, Map.of("max_connections", "150"));
  }

  private static String approved(TestWorkflowEnvironment env, String topology, Map<String, String> parameters) {
    return approved(env, new RollingFakes(topology), parameters);
  }

  private static String approved(TestWorkflowEnvironment env, RollingFakes fakes, Map<String, String> parameters) {
    fakes.register(env);
    RollingRestartWorkflow run = env.getWorkflowClient().newWorkflowStub(RollingRestartWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.CENTRAL).setWorkflowId(ID).build());
    var done = WorkflowClient.execute(run::run, new RollingRestartInput("main", parameters, false, "carol", "replay"));
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    run.approve(new ApprovalSignal(run.progress().pendingApprovals().get(0).requestId(), "alice", "go", null));
    done.join();
    return ID;
  }
}
