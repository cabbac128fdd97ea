package io.pgrunbooks.workflows.replicarebuild;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.lock.ClientLockActivities;
import io.pgrunbooks.workflows.lock.TopologyLockWorkflowImpl;
import io.pgrunbooks.workflows.replay.DroppedNotifications;
import io.pgrunbooks.workflows.replay.FixedApprovals;
import io.pgrunbooks.workflows.replay.KeptReports;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReplicaRebuild on a cluster with {@code topology: patroni}: Patroni reinitializes, the node agent is never asked. */
class ReplicaRebuildOnPatroniTest {
  private TestWorkflowEnvironment env;
  private final RebuildFakes.Replication replication = new RebuildFakes.Replication();
  private final RebuildFakes.Node node = new RebuildFakes.Node();
  private final RebuildFakes.Patroni patroni = new RebuildFakes.Patroni();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.newEnvironment();
    WorkflowClient client = env.getWorkflowClient();
    Worker central = env.newWorker(TaskQueues.CENTRAL);
    central.registerWorkflowImplementationTypes(ReplicaRebuildWorkflowImpl.class, TopologyLockWorkflowImpl.class);
    central.registerActivitiesImplementations(new RebuildFakes.Config("patroni"), replication, patroni,
        new FixedApprovals(), new DroppedNotifications(), new ClientLockActivities(client), new KeptReports());
    env.newWorker(TaskQueues.node("pg2")).registerActivitiesImplementations(node);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void approvedRebuildAsksPatroniToReinitializeAndWaitsForTheCatchUpWithoutTheNodeAgent() {
    ReplicaRebuildWorkflow run = stub();
    CompletableFuture<ReplicaRebuildResult> result = WorkflowClient.execute(run::run, ReplicaRebuildInput.of("main", "pg2"));
    String requestId = awaitPending(run);
    var pending = run.progress().pendingApprovals().get(0);
    assertThat(pending.evidence()).containsEntry("data dir Patroni will wipe", "/data/pg2 (deleted, not moved aside)")
        .containsEntry("source", "pg1 (Patroni's leader)");
    run.approve(new ApprovalSignal(requestId, "alice", "go", null));

    ReplicaRebuildResult r = result.join();
    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.primary()).isEqualTo("pg1");
    assertThat(patroni.calls).containsExactly("reinitialize pg2");
    assertThat(replication.calls).containsExactly("awaitCatchUp");
    assertThat(node.calls).isEmpty();
    assertThat(r.report().changes()).containsExactly(
        "Patroni reinitialized member pg2: wiped /data/pg2 on pg2 and cloned it from pg1");
  }

  @Test
  void aMemberHoldingTheLeaderLockIsRefusedBeforeAnythingHappens() {
    patroni.leader = "pg2";
    TestEnvironments.assertApplicationFailure(() -> stub().run(ReplicaRebuildInput.of("main", "pg2")),
        FailureTypes.SAFETY_REFUSED, "pg2 (member pg2) holds Patroni's leader lock: a leader is never reinitialized");
    assertThat(patroni.calls).isEmpty();
    assertThat(node.calls).isEmpty();
  }

  @Test
  void aDryRunOnlyPlans() {
    ReplicaRebuildResult r = stub().run(new ReplicaRebuildInput("main", "pg2", true, "alice", "plan"));

    assertThat(r.report().outcome()).isEqualTo(RunbookState.COMPLETED);
    assertThat(r.report().summary()).startsWith("dry run: Patroni would reinitialize pg2 from pg1");
    assertThat(patroni.calls).isEmpty();
    assertThat(replication.calls).isEmpty();
    assertThat(node.calls).isEmpty();
  }

  private ReplicaRebuildWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(ReplicaRebuildWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL).setWorkflowId("replica-rebuild:main:pg2").build());
  }

  private static String awaitPending(ReplicaRebuildWorkflow run) {
    TestEnvironments.awaitTrue(() -> !run.progress().pendingApprovals().isEmpty(), "an approval is pending");
    return run.progress().pendingApprovals().get(0).requestId();
  }
}
