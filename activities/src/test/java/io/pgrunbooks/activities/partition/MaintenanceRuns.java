package io.pgrunbooks.activities.partition;

import io.pgrunbooks.activities.TestStack;
import io.pgrunbooks.activities.postgres.ConnectionFactory;
import io.pgrunbooks.activities.postgres.PostgresPartitionActivitiesImpl;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.TaskQueues;
import io.pgrunbooks.workflows.common.WorkflowIds;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceInput;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceResult;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflow;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionMaintenanceWorkflowImpl;
import io.pgrunbooks.workflows.replay.TestEnvironments;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverterException;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * PartitionMaintenance in the in-memory Temporal test server with the REAL partition activities on
 * the shared stack's PostgreSQL; approvals and notifications are fakes, ArchivePartition is a stand-in.
 */
final class MaintenanceRuns implements AutoCloseable {
  /** Partitions the stand-in ArchivePartition was started for, in order. */
  static final List<String> ARCHIVED = new CopyOnWriteArrayList<>();

  final TestWorkflowEnvironment env;

  MaintenanceRuns(RunbooksConfig config) {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(DataConverters.jackson()).build())
        // Real time: the partitions these runs judge are laid out around the wall clock, and a skipped
        // clock (the test server jumps to the next deadline while a client waits) would make "now" years later.
        .setUseTimeskipping(false)
        .build());
    TestEnvironments.registerSearchAttributes(env);
    Worker worker = env.newWorker(TaskQueues.CENTRAL);
    worker.registerWorkflowImplementationTypes(WorkflowImplementationOptions.newBuilder()
        .setFailWorkflowExceptionTypes(DataConverterException.class).build(), PartitionMaintenanceWorkflowImpl.class,
        io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflowImpl.class,
        FakeArchivePartitionImpl.class);
    ConnectionFactory connections = new ConnectionFactory(config, TestStack::env, Duration.ofSeconds(5),
        Duration.ofSeconds(60));
    worker.registerActivitiesImplementations(new PostgresPartitionActivitiesImpl(config, connections),
        new Approvals(), new Notify(),
        // The config's bucket is a dead endpoint (archives are not what these tests look at): reports go nowhere.
        (io.pgrunbooks.workflows.activities.ReportActivities) report -> null);
    env.start();
  }

  static PartitionMaintenanceInput input(List<String> tables, boolean dryRun) {
    return new PartitionMaintenanceInput(TestStack.CLUSTER, PartitionFixture.DB, tables, null, dryRun, "dave", "test");
  }

  PartitionMaintenanceWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(PartitionMaintenanceWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.CENTRAL)
        .setWorkflowId(WorkflowIds.partitionMaintenance(TestStack.CLUSTER, PartitionFixture.DB))
        .build());
  }

  PartitionMaintenanceResult run(PartitionMaintenanceInput input) {
    return stub().run(input);
  }

  /** Starts a run and waits (real time; the test server does not skip time for queries) for its approval. */
  PendingWithStub startAndAwaitApproval(PartitionMaintenanceInput input) throws InterruptedException {
    PartitionMaintenanceWorkflow wf = stub();
    WorkflowClient.start(wf::run, input);
    for (int i = 0; i < 600; i++) {
      List<PendingApproval> pending = wf.progress().pendingApprovals();
      if (!pending.isEmpty()) {
        return new PendingWithStub(wf, pending.get(0));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no approval became pending");
  }

  /** Waits for the approval request {@code requestId} of a running run. */
  PendingWithStub awaitApproval(PartitionMaintenanceWorkflow wf, String requestId) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      for (PendingApproval p : wf.progress().pendingApprovals()) {
        if (p.requestId().equals(requestId)) {
          return new PendingWithStub(wf, p);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("approval " + requestId + " never became pending");
  }

  record PendingWithStub(PartitionMaintenanceWorkflow wf, PendingApproval pending) {
    PartitionMaintenanceResult decide(boolean approve) {
      ApprovalSignal s = new ApprovalSignal(pending.requestId(), "alice", approve ? "ok" : "not today", null);
      if (approve) {
        wf.approve(s);
      } else {
        wf.reject(s);
      }
      return WorkflowStub.fromTyped(wf).getResult(PartitionMaintenanceResult.class);
    }
  }

  @Override
  public void close() {
    env.close();
  }

  /** Stand-in for issue 5's ArchivePartition: records the partition and reports COMPLETED. */
  @WorkflowInterface
  public interface FakeArchivePartition {
    @WorkflowMethod(name = "ArchivePartition")
    Map<String, Object> run(Map<String, Object> input);
  }

  public static class FakeArchivePartitionImpl implements FakeArchivePartition {
    @Override
    public Map<String, Object> run(Map<String, Object> input) {
      Object delegated = input.get("delegatedApproval") instanceof Map<?, ?> d ? d.get("scope") : null;
      ARCHIVED.add(String.valueOf(input.get("partition")) + " drop=" + input.get("drop") + " requestedBy="
          + input.get("requestedBy") + " delegated=" + delegated);
      return Map.of("runbook", "ArchivePartition", "outcome", "COMPLETED");
    }
  }

  static final class Approvals implements ApprovalActivities {
    @Override
    public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
      return new ApprovalPolicy(Map.of("alice", List.of("approver")), List.of("approver"), 1, 3600, List.of(), false,
          "http://localhost:8233");
    }

    @Override
    public boolean verifySignature(VerifySignatureInput input) {
      return false;
    }
  }

  static final class Notify implements NotifyActivities {
    @Override
    public void notify(Notification notification) {}
  }
}
