package io.pgrunbooks.workflows.replicarebuild;

import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.lock.LockResponse;

/**
 * A child {@code ReplicaRebuild} of a parent's test: a subclass says what {@link #run} does; queries, signals and the
 * update do nothing.
 */
public abstract class FakeReplicaRebuild implements ReplicaRebuildWorkflow {
  @Override
  public Progress progress() {
    return null;
  }

  @Override
  public void approve(ApprovalSignal signal) {}

  @Override
  public void reject(ApprovalSignal signal) {}

  @Override
  public DecisionResult decide(Decision decision) {
    return null;
  }

  @Override
  public void validateDecide(Decision decision) {}

  @Override
  public void lockResponse(LockResponse response) {}
}
