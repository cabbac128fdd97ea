package io.pgrunbooks.workflows.lock;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The per-cluster topology lock (DESIGN.md invariant 4), workflow id {@code lock:topology:<cluster>}:
 * ReplicaRebuild, Failover and FailoverDrill runs of one cluster exclude each other however they
 * were started. Fail fast: a request is granted at once or refused naming the holder, never queued.
 * Child runs of a holder share its lock. A holder run that ends without releasing is noticed
 * (checked every minute) and the lock freed. Started by signal-with-start
 * ({@link LockActivities#requestLock}); finishes when it has been free and idle for 10 minutes.
 */
@WorkflowInterface
public interface TopologyLockWorkflow {
  String TYPE = "TopologyLock";

  @WorkflowMethod(name = TYPE)
  void run(TopologyLockInput input);

  /** Ask for the lock; the answer is a {@code lockResponse} signal to the requesting run. */
  @SignalMethod(name = "acquire")
  void acquire(LockRequest request);

  /** Give the lock back. */
  @SignalMethod(name = "release")
  void release(LockRelease release);

  /** The run holding the lock (the first holder when children share it), or null when free. */
  @QueryMethod(name = "holder")
  LockHolder holder();

  /** Every holding: the owner first, then child runs sharing its lock. */
  @QueryMethod(name = "holders")
  List<LockHolder> holders();

  /** The most recent grants, refusals, releases and frees of this lock, oldest first. */
  @QueryMethod(name = "recent")
  List<LockEvent> recent();
}
