package io.pgrunbooks.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.common.WorkflowTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a child may act on its parent's approval: the accept case and every refusal, without Temporal. */
class DelegationTest {
  private static final String STEP = "terminate-sessions";
  private static final String PARENT = "pool-exhausted:main";
  private static final List<String> SCOPE = List.of("4242@1", "4343@2");
  private static final DelegatedApproval OK = delegation(PARENT, WorkflowTypes.POOL_EXHAUSTED, SCOPE,
      Delegation.digest(STEP, SCOPE), List.of("bob"));

  private static DelegatedApproval delegation(String parent, String runbook, List<String> scope, String digest,
                                              List<String> approvers) {
    return new DelegatedApproval(parent, "run-1", runbook, "relieve-pool-1", STEP, scope, digest, approvers);
  }

  @Test
  void aRealChildWhoseSessionsAreASubsetOfThePlanIsApproved() {
    assertThat(Delegation.refusal(OK, PARENT, "run-1", STEP, List.of("4343@2"))).isNull();
    assertThat(Delegation.refusal(OK, PARENT, "run-1", STEP, SCOPE)).isNull();
  }

  @Test
  void aRunWithoutATemporalParentIsRefused() {
    assertThat(Delegation.refusal(OK, null, null, STEP, SCOPE)).contains("not started by a parent workflow");
  }

  @Test
  void aChildOfAnotherParentOrRunIsRefused() {
    assertThat(Delegation.refusal(OK, "pool-exhausted:other", "run-1", STEP, SCOPE)).contains("this run's parent is");
    assertThat(Delegation.refusal(OK, PARENT, "run-2", STEP, SCOPE)).contains("this run's parent is");
  }

  @Test
  void aParentThatMayNotDelegateIsRefused() {
    DelegatedApproval byDrill = delegation("failover-drill:main", WorkflowTypes.FAILOVER_DRILL, SCOPE,
        Delegation.digest(STEP, SCOPE), List.of("bob"));
    assertThat(Delegation.refusal(byDrill, "failover-drill:main", "run-1", STEP, SCOPE)).contains("may not delegate");
    // The type is claimed by the input; the parent's id must also be one of that runbook's ids.
    DelegatedApproval claimed = delegation("partition-maintenance:main:app", WorkflowTypes.POOL_EXHAUSTED, SCOPE,
        Delegation.digest(STEP, SCOPE), List.of("bob"));
    assertThat(Delegation.refusal(claimed, "partition-maintenance:main:app", "run-1", STEP, SCOPE))
        .contains("may not delegate");
  }

  @Test
  void aSessionOutsideTheApprovedPairsIsRefusedNamingIt() {
    assertThat(Delegation.refusal(OK, PARENT, "run-1", STEP, List.of("4242@1", "4242@9")))
        .contains("1 of 2 item(s) were not in the plan", "4242@9");
  }

  @Test
  void anotherStepAScopeNotMatchingItsDigestOrNoApproverIsRefused() {
    assertThat(Delegation.refusal(OK, PARENT, "run-1", "resize-pool", SCOPE)).contains("covers step terminate-sessions");
    DelegatedApproval widened = delegation(PARENT, WorkflowTypes.POOL_EXHAUSTED, List.of("4242@1", "4343@2", "9@9"),
        Delegation.digest(STEP, SCOPE), List.of("bob"));
    assertThat(Delegation.refusal(widened, PARENT, "run-1", STEP, List.of("9@9"))).contains("does not match its plan");
    DelegatedApproval nobody = delegation(PARENT, WorkflowTypes.POOL_EXHAUSTED, SCOPE, Delegation.digest(STEP, SCOPE),
        List.of());
    assertThat(Delegation.refusal(nobody, PARENT, "run-1", STEP, SCOPE)).contains("no approver");
    assertThat(Delegation.refusal(OK, PARENT, "run-1", STEP, List.of())).contains("nothing to act on");
  }

  @Test
  void anInPlaceRestoreMayDelegateTheRebuildOfTheReplicasItApprovedButNoOther() {
    List<String> scope = List.of("ReplicaRebuild main/pg2", "ReplicaRebuild main/pg3");
    DelegatedApproval pitr = new DelegatedApproval("point-in-time-restore:main", "run-1",
        WorkflowTypes.POINT_IN_TIME_RESTORE, "restore-cluster-in-place-1", "rebuild-replica", scope,
        Delegation.digest("rebuild-replica", scope), List.of("alice", "bob"));

    assertThat(Delegation.refusal(pitr, "point-in-time-restore:main", "run-1", "rebuild-replica",
        List.of("ReplicaRebuild main/pg3"))).isNull();
    assertThat(Delegation.refusal(pitr, "point-in-time-restore:main", "run-1", "rebuild-replica",
        List.of("ReplicaRebuild main/pg4"))).contains("not in the plan approved on the parent", "main/pg4");
    assertThat(Delegation.refusal(pitr, null, null, "rebuild-replica", List.of("ReplicaRebuild main/pg2")))
        .contains("not started by a parent workflow");
    assertThat(Delegation.refusal(OK, PARENT, "run-1", "nope", SCOPE)).contains(
        "covers step terminate-sessions");
    assertThat(Delegation.DELEGATORS.keySet()).containsExactly(WorkflowTypes.PARTITION_MAINTENANCE,
        WorkflowTypes.POINT_IN_TIME_RESTORE, WorkflowTypes.POOL_EXHAUSTED);
  }
}
