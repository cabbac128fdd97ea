package io.pgrunbooks.workflows.lock;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Reaches the per-cluster topology lock workflows through the Temporal client: workflow code
 * cannot signal-with-start by itself, so runbooks (and the lock, to check on its holders) go
 * through these activities.
 */
@ActivityInterface
public interface LockActivities {
  /**
   * Delivers an {@code acquire} signal to {@code lock:topology:<cluster>}, starting the lock
   * workflow when it is not running. Idempotent: a repeated request gets the same answer.
   */
  @ActivityMethod
  void requestLock(LockActivityInput input);

  /** Delivers a {@code release} signal; a lock that is not running holds nothing, so that is not an error. */
  @ActivityMethod
  void releaseLock(LockReleaseInput input);

  /** Whether a run (a lock holder) is still running. */
  @ActivityMethod
  RunStatus describeRun(DescribeRunInput input);
}
