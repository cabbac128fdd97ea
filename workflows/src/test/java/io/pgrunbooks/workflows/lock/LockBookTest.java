package io.pgrunbooks.workflows.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.lock.LockBook.Run;
import io.pgrunbooks.workflows.lock.LockBook.Verdict;
import io.pgrunbooks.workflows.lock.LockState.Holding;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LockBookTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final Instant T1 = T0.plusSeconds(60);

  private final LockBook book = LockBook.from(null);

  @Test
  void freeLockIsGrantedAndNamesItsOwner() {
    LockRequest rebuild = request("l1", "replica-rebuild:main:pg2", "r1", "ReplicaRebuild", null);

    assertThat(book.decide(rebuild)).isEqualTo(Verdict.GRANT);
    LockResponse answer = book.grant(rebuild, false, T0);

    assertThat(answer).isEqualTo(new LockResponse("l1", true, null, null, null));
    assertThat(book.owner()).get().extracting(Holding::workflowId, Holding::runbook, Holding::since)
        .containsExactly("replica-rebuild:main:pg2", "ReplicaRebuild", T0);
    assertThat(book.recent()).extracting(LockEvent::what)
        .containsExactly("granted to ReplicaRebuild run replica-rebuild:main:pg2: rebuild pg2");
  }

  @Test
  void secondRunIsRefusedWithTheHolderItsRunbookAndSince() {
    book.grant(request("l1", "failover:main", "r1", "Failover", null), false, T0);
    LockRequest rebuild = request("l2", "replica-rebuild:main:pg2", "r2", "ReplicaRebuild", null);

    assertThat(book.decide(rebuild)).isEqualTo(Verdict.REFUSE);
    LockResponse answer = book.refuse(rebuild, T1);

    assertThat(answer).isEqualTo(new LockResponse("l2", false, "failover:main", "Failover", "2026-01-05T09:00:00Z"));
    assertThat(TopologyLock.refusal("main", "ReplicaRebuild", answer))
        .isEqualTo("cluster main is locked by Failover run failover:main since 2026-01-05T09:00:00Z: ReplicaRebuild refused");
    assertThat(book.recent()).extracting(LockEvent::what).last().isEqualTo(
        "refused ReplicaRebuild run replica-rebuild:main:pg2: held by Failover run failover:main since 2026-01-05T09:00:00Z");
  }

  @Test
  void repeatedRequestGetsTheSameAnswerAsTheFirst() {
    LockRequest failover = request("l1", "failover:main", "r1", "Failover", null);
    book.grant(failover, false, T0);
    LockRequest rebuild = request("l2", "replica-rebuild:main:pg2", "r2", "ReplicaRebuild", null);
    LockResponse refused = book.refuse(rebuild, T0);
    book.release(new LockRelease("l1", "failover:main"), T1);

    // An activity retry re-delivers a request: a "no" stays a "no" even though the lock is free now.
    assertThat(book.decide(rebuild)).isEqualTo(Verdict.REPEAT_REFUSAL);
    assertThat(book.previousRefusal("l2")).contains(refused);
    book.grant(request("l3", "failover:main", "r3", "Failover", null), false, T1);
    assertThat(book.decide(request("l3", "failover:main", "r3", "Failover", null))).isEqualTo(Verdict.ALREADY_HELD);
  }

  @Test
  void childAndGrandchildOfTheHolderShareItsLock() {
    book.grant(request("l1", "failover-drill:main", "r1", "FailoverDrill", null), false, T0);
    LockRequest child = request("l2", "failover-drill:main:rebuild", "r2", "ReplicaRebuild", "failover-drill:main");

    assertThat(book.decide(child)).isEqualTo(Verdict.SHARE);
    book.grant(child, true, T1);
    LockRequest grandchild = request("l3", "gc", "r3", "ReplicaRebuild", "failover-drill:main:rebuild");
    assertThat(book.decide(grandchild)).isEqualTo(Verdict.SHARE);
    assertThat(book.decide(request("l4", "failover:main", "r4", "Failover", "some-other-parent")))
        .isEqualTo(Verdict.REFUSE);

    assertThat(book.owner()).get().extracting(Holding::workflowId).isEqualTo("failover-drill:main");
    assertThat(book.recent()).extracting(LockEvent::what).last().isEqualTo(
        "shared with ReplicaRebuild run failover-drill:main:rebuild, a child of holder failover-drill:main: rebuild pg2");
  }

  @Test
  void sameRunAskingAgainIsGrantedButAnotherRunOfTheSameWorkflowIdIsNot() {
    book.grant(request("l1", "failover:main", "r1", "Failover", null), false, T0);

    assertThat(book.decide(request("l2", "failover:main", "r1", "Failover", null))).isEqualTo(Verdict.SHARE);
    assertThat(book.decide(request("l3", "failover:main", "r2", "Failover", null))).isEqualTo(Verdict.REFUSE);
  }

  @Test
  void lockIsFreeOnlyWhenTheLastHoldingIsReleased() {
    book.grant(request("l1", "failover-drill:main", "r1", "FailoverDrill", null), false, T0);
    book.grant(request("l2", "failover-drill:main:rebuild", "r2", "ReplicaRebuild", "failover-drill:main"), true, T0);

    assertThat(book.release(new LockRelease("l1", "failover-drill:main"), T1)).isPresent();
    assertThat(book.isFree()).isFalse();
    assertThat(book.owner()).get().extracting(Holding::workflowId).isEqualTo("failover-drill:main:rebuild");
    assertThat(book.recent()).extracting(LockEvent::what).last()
        .isEqualTo("released by FailoverDrill run failover-drill:main; still held by ReplicaRebuild run failover-drill:main:rebuild");

    book.release(new LockRelease("l2", "failover-drill:main:rebuild"), T1);
    assertThat(book.isFree()).isTrue();
    assertThat(book.recent()).extracting(LockEvent::what).last()
        .isEqualTo("released by ReplicaRebuild run failover-drill:main:rebuild; lock is free");
  }

  @Test
  void releaseThatDoesNotMatchAHoldingChangesNothing() {
    book.grant(request("l1", "failover:main", "r1", "Failover", null), false, T0);

    assertThat(book.release(new LockRelease("l1", "replica-rebuild:main:pg2"), T1)).isEmpty();
    assertThat(book.release(new LockRelease("nope", "failover:main"), T1)).isEmpty();

    assertThat(book.isFree()).isFalse();
    assertThat(book.recent()).extracting(LockEvent::what).last()
        .isEqualTo("ignored a release of lock nope by failover:main: it holds nothing here");
  }

  @Test
  void droppingAnEndedRunFreesAllItsHoldingsAndSaysWhy() {
    book.grant(request("l1", "failover:main", "r1", "Failover", null), false, T0);
    book.grant(request("l2", "failover:main", "r1", "Failover", null), true, T0);

    assertThat(book.drop(new Run("failover:main", "r1"), "the run ended (FAILED) without releasing", T1)).hasSize(2);

    assertThat(book.isFree()).isTrue();
    assertThat(book.recent()).extracting(LockEvent::what).last()
        .isEqualTo("freed from Failover run failover:main: the run ended (FAILED) without releasing; lock is free");
  }

  @Test
  void stateSurvivesARoundTripAndLogsStayBounded() {
    book.grant(request("l1", "failover:main", "r1", "Failover", null), false, T0);
    for (int i = 0; i < 80; i++) {
      book.refuse(request("x" + i, "replica-rebuild:main:pg2", "r" + i, "ReplicaRebuild", null), T1);
    }

    LockBook copy = LockBook.from(book.state());

    assertThat(copy.holdings()).isEqualTo(book.holdings());
    assertThat(copy.recent()).hasSize(LockBook.RECENT_EVENTS);
    assertThat(copy.state().refusals()).hasSize(LockBook.REMEMBERED_REFUSALS);
    assertThat(copy.previousRefusal("x79")).isPresent();
    assertThat(copy.previousRefusal("x0")).isEmpty();
  }

  private static LockRequest request(String lockId, String workflowId, String runId, String runbook, String parent) {
    return new LockRequest(lockId, workflowId, runId, runbook, parent, "rebuild pg2");
  }
}
