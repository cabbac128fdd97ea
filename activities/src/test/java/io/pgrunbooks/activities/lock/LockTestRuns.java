package io.pgrunbooks.activities.lock;

import io.pgrunbooks.workflows.lock.LockInbox;
import io.pgrunbooks.workflows.lock.LockLease;
import io.pgrunbooks.workflows.lock.LockResponse;
import io.pgrunbooks.workflows.lock.TopologyLock;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Two tiny stand-ins for topology runbooks that take the lock through {@link TopologyLock}, with
 * their own {@code lockResponse} handler (not the runbook base class). A copy of the workflows
 * module's test class of the same name, which this module's tests cannot see.
 */
public final class LockTestRuns {
  private LockTestRuns() {}

  /**
   * @param hold keep the lock until the {@code finish} signal
   * @param childRunbook ({@link ParentRun} only) start a child {@link HoldingRun} of this runbook
   *     type, holding until its own {@code finish}
   */
  public record RunInput(String cluster, String runbook, boolean hold, String childRunbook) {
    public static RunInput holding(String cluster, String runbook) {
      return new RunInput(cluster, runbook, true, null);
    }

    public static RunInput brief(String cluster, String runbook) {
      return new RunInput(cluster, runbook, false, null);
    }
  }

  public interface LockedRun {
    @SignalMethod(name = TopologyLock.RESPONSE_SIGNAL)
    void lockResponse(LockResponse response);

    @SignalMethod(name = "finish")
    void finish();

    /** starting, holding, child started, child done, released. */
    @QueryMethod(name = "state")
    String state();
  }

  @WorkflowInterface
  public interface HoldingRun extends LockedRun {
    @WorkflowMethod(name = "TestHoldingRun")
    String run(RunInput input);
  }

  @WorkflowInterface
  public interface ParentRun extends LockedRun {
    @WorkflowMethod(name = "TestParentRun")
    String run(RunInput input);
  }

  abstract static class Base implements LockedRun {
    final LockInbox inbox = new LockInbox();
    boolean finished;
    String state = "starting";

    @Override
    public void lockResponse(LockResponse response) {
      inbox.deliver(response);
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public String state() {
      return state;
    }
  }

  public static class HoldingRunImpl extends Base implements HoldingRun {
    @Override
    public String run(RunInput input) {
      LockLease lease = TopologyLock.acquire(input.cluster(), input.runbook(), "test run", inbox);
      state = "holding";
      if (input.hold()) {
        Workflow.await(() -> finished);
      }
      lease.release();
      state = "released";
      return "held " + lease.lockId();
    }
  }

  public static class ParentRunImpl extends Base implements ParentRun {
    @Override
    public String run(RunInput input) {
      try (LockLease lease = TopologyLock.acquire(input.cluster(), input.runbook(), "test parent", inbox)) {
        state = "holding";
        HoldingRun child = Workflow.newChildWorkflowStub(HoldingRun.class, ChildWorkflowOptions.newBuilder()
            .setWorkflowId(childId(Workflow.getInfo().getWorkflowId()))
            .build());
        Promise<String> result = Async.function(child::run, RunInput.holding(input.cluster(), input.childRunbook()));
        state = "child started";
        String childResult = result.get();
        state = "child done";
        if (input.hold()) {
          Workflow.await(() -> finished);
        }
        return "child " + childResult + ", parent " + lease.lockId();
      } finally {
        state = "released";
      }
    }

    public static String childId(String parentWorkflowId) {
      return parentWorkflowId + ":child";
    }
  }
}
