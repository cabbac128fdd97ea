package io.pgrunbooks.workflows.lock;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Workflow-side use of the per-cluster topology lock (DESIGN.md invariant 4). A topology runbook
 * calls {@link #acquire} before its first step that touches the topology and releases the lease
 * when done (also on failure):
 *
 * <pre>{@code
 * try (LockLease lease = TopologyLock.acquire(cluster, WorkflowTypes.REPLICA_REBUILD, reason, lockInbox)) {
 *   ...
 * }
 * }</pre>
 */
public final class TopologyLock {
  /** The signal the lock answers on; every runbook delivers it into its {@link LockInbox}. */
  public static final String RESPONSE_SIGNAL = "lockResponse";
  /** How long a request waits for the lock's answer; the answer normally comes within a second. */
  public static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

  /**
   * Memo key and value a lock run carries when a runbook's lock request started it (the lock carries it
   * across continue-as-new itself). A run under the lock's id without it was started some other way (by hand) and is
   * refused as a squatter, like a run of another type under that id.
   */
  public static final String STARTED_BY_MEMO = "startedBy";
  public static final String STARTED_BY_RUNBOOK = "pg-runbooks lock request";

  private static final String WORKFLOW_ID_PREFIX = "lock:topology:";

  private TopologyLock() {}

  /**
   * Why the run {@code type} (memo {@code startedBy}) found under the lock's id is not a lock runbooks may
   * use, or null when it is one: another workflow type, or a TopologyLock not started by a runbook's request.
   */
  public static String squatter(String cluster, String type, String startedBy, String runId, Object startTime) {
    String what = TopologyLockWorkflow.TYPE.equals(type) ? null
        : "a " + type + " run, not a topology lock";
    if (what == null && !STARTED_BY_RUNBOOK.equals(startedBy)) {
      what = "a TopologyLock run started by hand (not by a runbook's lock request)";
    }
    return what == null ? null : "the topology lock id " + workflowId(cluster) + " is taken by " + what
        + " (run " + runId + ", started " + startTime + "); it cannot grant or refuse anything, so topology runbooks"
        + " on cluster " + cluster + " are refused until it ends: check what it is, then end it with temporal"
        + " workflow terminate --workflow-id " + workflowId(cluster) + " --run-id " + runId;
  }

  /** {@code lock:topology:<cluster>}. */
  public static String workflowId(String cluster) {
    return WORKFLOW_ID_PREFIX + cluster;
  }

  /**
   * Takes the topology lock of {@code cluster} for the calling run, or fails fast with a
   * non-retryable {@code SafetyRefused} naming the run that holds it. A child run of a holder
   * shares its lock.
   *
   * @param runbook the calling runbook's type, shown to runs that are refused
   * @param reason why, for the lock's log
   * @param inbox where this run's {@code lockResponse} signal handler delivers answers
   */
  public static LockLease acquire(String cluster, String runbook, String reason, LockInbox inbox) {
    if (cluster == null || cluster.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(runbook + " needs a cluster to lock", FailureTypes.BAD_INPUT);
    }
    WorkflowInfo info = Workflow.getInfo();
    LockRequest request = new LockRequest(Workflow.randomUUID().toString(), info.getWorkflowId(), info.getRunId(),
        runbook, info.getParentWorkflowId().orElse(null), reason);
    LockActivities activities = activities();
    LockLease lease = new LockLease(cluster, request.lockId(), info.getWorkflowId(), activities);
    try {
      activities.requestLock(new LockActivityInput(cluster, request));
    } catch (ActivityFailure e) {
      lease.release(); // in case a request did get through
      throw ApplicationFailure.newNonRetryableFailure("could not reach the topology lock of cluster " + cluster + " ("
          + workflowId(cluster) + "): " + Failures.describe(e) + ": " + runbook + " refused to start without it",
          FailureTypes.SAFETY_REFUSED);
    }

    Optional<LockResponse> answer = inbox.await(request.lockId(), ANSWER_TIMEOUT);
    if (answer.isEmpty()) {
      // A grant may still arrive after we stop waiting: give it back so it cannot block others.
      lease.release();
      throw ApplicationFailure.newNonRetryableFailure("the topology lock of cluster " + cluster + " ("
          + workflowId(cluster) + ") did not answer within " + ANSWER_TIMEOUT.toMinutes() + " minutes: " + runbook
          + " refused to start without it", FailureTypes.SAFETY_REFUSED);
    }
    LockResponse response = answer.get();
    if (!response.granted()) {
      throw ApplicationFailure.newNonRetryableFailure(refusal(cluster, runbook, response), FailureTypes.SAFETY_REFUSED);
    }
    return lease;
  }

  /** "cluster main is locked by Failover run failover:main since 2026-...: ReplicaRebuild refused". */
  static String refusal(String cluster, String runbook, LockResponse r) {
    return "cluster " + cluster + " is locked by " + r.holderRunbook() + " run " + r.holderWorkflowId() + " since "
        + r.holderSince() + ": " + runbook + " refused";
  }

  /**
   * How long a runbook keeps retrying to deliver its lock request before it refuses to start. Longer than the other
   * lock calls' minute: a worker that dies right after delivering a request (the lock granted it, the completion was
   * lost) leaves the retries to its replacement, and the crash sweep measured 58 s before a replacement was served
   * tasks again; a retried request with the same lock id is answered with the same grant.
   */
  public static final Duration REQUEST_BUDGET = Duration.ofMinutes(5);

  /** The lock's activity stub, used by acquirers and by the lock workflow itself. */
  static LockActivities activities() {
    return ActivityStubs.stub(LockActivities.class, ActivityStubs.central(Duration.ofSeconds(10))
        .scheduleToClose(Duration.ofMinutes(1))
        .retry(ActivityStubs.retry(0, Duration.ofSeconds(1), Duration.ofSeconds(10)))
        .build(),
        Map.of("RequestLock", ActivityStubs.override(Duration.ofSeconds(10)).scheduleToClose(REQUEST_BUDGET).build()));
  }
}
