package io.pgrunbooks.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildInput;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildResult;
import io.pgrunbooks.workflows.replicarebuild.FakeReplicaRebuild;
import io.pgrunbooks.workflows.replicarebuild.ReplicaRebuildWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A child run started by a topology runbook carries its parent's requester, who can then never approve it. */
class ChildRunRequesterTest {
  static final List<ReplicaRebuildInput> CHILD_INPUTS = new CopyOnWriteArrayList<>();
  private TestWorkflowEnvironment env;
  private final FailoverFakes fakes = new FailoverFakes();

  /** Records the input a parent gave its child rebuild, then fails (the parent logs and carries on). */
  public static class RecordingRebuild extends FakeReplicaRebuild implements ReplicaRebuildWorkflow {
    @Override
    public ReplicaRebuildResult run(ReplicaRebuildInput input) {
      CHILD_INPUTS.add(input);
      throw ApplicationFailure.newNonRetryableFailure("recorded", "Test");
    }
  }

  @BeforeEach
  void setUp() {
    CHILD_INPUTS.clear();
    env = TestEnvironments.newEnvironment();
    fakes.register(env, FailoverWorkflowImpl.class, RecordingRebuild.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void replicaRebuildStartedByASwitchoverInheritsItsRequester() {
    fakes.failOn = "follow pg3 -> pg2";
    FailoverWorkflow run = env.getWorkflowClient().newWorkflowStub(FailoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("failover:main").build());
    var result = WorkflowClient.execute(run::run, new FailoverInput("main", "pg2", false, "planned", "dave", false));
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    PendingApproval pending = run.progress().pendingApprovals().get(0);
    run.approve(new ApprovalSignal(pending.requestId(), "alice", "go", null));
    run.approve(new ApprovalSignal(pending.requestId(), "bob", "go", null));

    FailoverResult r = result.join();

    assertThat(CHILD_INPUTS).singleElement().satisfies(child -> {
      assertThat(child.replica()).isEqualTo("pg3");
      assertThat(child.requestedBy()).isEqualTo("dave");
    });
    assertThat(r.report().log()).anyMatch(l -> l.startsWith("rebuild of pg3 failed"));
  }
}
