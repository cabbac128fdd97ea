package io.pgrunbooks.workflows.lock;

import io.pgrunbooks.workflows.lock.LockState.Holding;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The lock's decisions on plain data: who holds it, whether a request is granted, shared or
 * refused. No Temporal calls, so every rule is unit-tested directly and replays trivially.
 */
final class LockBook {
  static final int RECENT_EVENTS = 50;
  static final int REMEMBERED_REFUSALS = 20;

  /** What to answer a request. */
  enum Verdict { GRANT, SHARE, ALREADY_HELD, REFUSE, REPEAT_REFUSAL }

  /** A run that holds (part of) the lock. */
  record Run(String workflowId, String runId) {}

  private final List<Holding> holders = new ArrayList<>();
  private final Deque<LockEvent> recent = new ArrayDeque<>();
  private final Deque<LockResponse> refusals = new ArrayDeque<>();

  static LockBook from(LockState state) {
    LockBook book = new LockBook();
    if (state != null) {
      book.holders.addAll(nonNull(state.holders()));
      book.recent.addAll(nonNull(state.recent()));
      book.refusals.addAll(nonNull(state.refusals()));
    }
    return book;
  }

  LockState state() {
    return new LockState(List.copyOf(holders), List.copyOf(recent), List.copyOf(refusals));
  }

  boolean isFree() {
    return holders.isEmpty();
  }

  /** The holding the lock is shown under: the first one granted that still holds. */
  Optional<Holding> owner() {
    return holders.stream().findFirst();
  }

  List<Holding> holdings() {
    return List.copyOf(holders);
  }

  List<LockEvent> recent() {
    return List.copyOf(recent);
  }

  /** The distinct runs holding the lock, in grant order. */
  Set<Run> runs() {
    Set<Run> runs = new LinkedHashSet<>();
    holders.forEach(h -> runs.add(new Run(h.workflowId(), h.runId())));
    return runs;
  }

  Verdict decide(LockRequest r) {
    if (holders.stream().anyMatch(h -> h.lockId().equals(r.lockId()) && h.workflowId().equals(r.requesterWorkflowId()))) {
      return Verdict.ALREADY_HELD;
    }
    if (previousRefusal(r.lockId()).isPresent()) {
      return Verdict.REPEAT_REFUSAL;
    }
    if (holders.isEmpty()) {
      return Verdict.GRANT;
    }
    // Child runs of a holder share its lock (invariant 4): a FailoverDrill's ReplicaRebuild child
    // must not be refused by its own parent. A second request of a holding run is re-entrant.
    boolean childOfHolder = r.parentWorkflowId() != null
        && holders.stream().anyMatch(h -> h.workflowId().equals(r.parentWorkflowId()));
    boolean sameRun = r.requesterRunId() != null && holders.stream()
        .anyMatch(h -> h.workflowId().equals(r.requesterWorkflowId()) && r.requesterRunId().equals(h.runId()));
    return childOfHolder || sameRun ? Verdict.SHARE : Verdict.REFUSE;
  }

  /** Records a grant ({@link Verdict#GRANT} or {@link Verdict#SHARE}) and returns the answer to send. */
  LockResponse grant(LockRequest r, boolean shared, Instant now) {
    holders.add(new Holding(r.lockId(), r.requesterWorkflowId(), r.requesterRunId(), r.requesterRunbook(), now,
        r.reason(), shared));
    String who = r.requesterRunbook() + " run " + r.requesterWorkflowId();
    if (shared) {
      boolean child = r.parentWorkflowId() != null
          && holders.stream().anyMatch(h -> h.workflowId().equals(r.parentWorkflowId()));
      log(now, "shared with " + who + (child ? ", a child of holder " + r.parentWorkflowId()
          : ", which already holds it") + reasonSuffix(r.reason()));
    } else {
      log(now, "granted to " + who + reasonSuffix(r.reason()));
    }
    return new LockResponse(r.lockId(), true, null, null, null);
  }

  /** Records a refusal naming the owner and returns the answer to send. */
  LockResponse refuse(LockRequest r, Instant now) {
    Holding owner = owner().orElseThrow();
    LockResponse answer = new LockResponse(r.lockId(), false, owner.workflowId(), owner.runbook(),
        owner.since().toString());
    refusals.addLast(answer);
    while (refusals.size() > REMEMBERED_REFUSALS) {
      refusals.removeFirst();
    }
    log(now, "refused " + r.requesterRunbook() + " run " + r.requesterWorkflowId() + ": held by " + owner.describe()
        + " since " + owner.since());
    return answer;
  }

  Optional<LockResponse> previousRefusal(String lockId) {
    return refusals.stream().filter(a -> a.lockId().equals(lockId)).findFirst();
  }

  /** Removes the matching holding; empty (and logged) when nothing matches. */
  Optional<Holding> release(LockRelease r, Instant now) {
    Optional<Holding> found = holders.stream()
        .filter(h -> h.lockId().equals(r.lockId()) && h.workflowId().equals(r.requesterWorkflowId()))
        .findFirst();
    if (found.isEmpty()) {
      log(now, "ignored a release of lock " + r.lockId() + " by " + r.requesterWorkflowId() + ": it holds nothing here");
      return found;
    }
    holders.remove(found.get());
    log(now, "released by " + found.get().describe() + stateSuffix());
    return found;
  }

  /** Drops every holding of a run that can no longer release it (it ended, or could not be told it holds it). */
  List<Holding> drop(Run run, String why, Instant now) {
    List<Holding> dropped = holders.stream()
        .filter(h -> h.workflowId().equals(run.workflowId()) && Objects.equals(h.runId(), run.runId()))
        .toList();
    if (!dropped.isEmpty()) {
      holders.removeAll(dropped);
      log(now, "freed from " + dropped.get(0).describe() + ": " + why + stateSuffix());
    }
    return dropped;
  }

  void log(Instant now, String what) {
    recent.addLast(new LockEvent(now, what));
    while (recent.size() > RECENT_EVENTS) {
      recent.removeFirst();
    }
  }

  private String stateSuffix() {
    return owner().map(o -> "; still held by " + o.describe()).orElse("; lock is free");
  }

  private static String reasonSuffix(String reason) {
    return reason == null || reason.isBlank() ? "" : ": " + reason;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
