package io.pgrunbooks.workflows.lock;

import io.pgrunbooks.workflows.common.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * A granted topology lock, held by the calling run until {@link #release()} (or {@link #close()}).
 * Releasing twice is harmless.
 */
public final class LockLease implements AutoCloseable {
  private static final Logger log = Workflow.getLogger(LockLease.class);

  private final String cluster;
  private final String lockId;
  private final String workflowId;
  private final LockActivities activities;
  private boolean released;

  LockLease(String cluster, String lockId, String workflowId, LockActivities activities) {
    this.cluster = cluster;
    this.lockId = lockId;
    this.workflowId = workflowId;
    this.activities = activities;
  }

  public String cluster() {
    return cluster;
  }

  public String lockId() {
    return lockId;
  }

  public boolean released() {
    return released;
  }

  /**
   * Gives the lock back. Runs even when the run is being cancelled. A release that cannot be
   * delivered is logged, not thrown: the lock frees itself once it sees this run has ended.
   */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    LockReleaseInput input = new LockReleaseInput(cluster, new LockRelease(lockId, workflowId));
    Workflow.newDetachedCancellationScope(() -> {
      try {
        activities.releaseLock(input);
      } catch (ActivityFailure e) {
        log.warn("could not release the topology lock of {} ({}); it is freed when this run ends: {}",
            cluster, lockId, Failures.describe(e));
      }
    }).run();
  }

  @Override
  public void close() {
    release();
  }
}
