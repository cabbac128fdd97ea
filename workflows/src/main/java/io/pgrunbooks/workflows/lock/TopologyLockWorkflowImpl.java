package io.pgrunbooks.workflows.lock;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.lock.LockBook.Run;
import io.pgrunbooks.workflows.lock.LockBook.Verdict;
import io.pgrunbooks.workflows.lock.LockState.Holding;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * See {@link TopologyLockWorkflow}. Signals only queue messages; the main loop handles them one at
 * a time, because answering a request may need an activity (is the holder still alive?) and an
 * external signal, and because continue-as-new must never drop a queued message.
 */
public class TopologyLockWorkflowImpl implements TopologyLockWorkflow {
  static final Duration CHECK_EVERY = Duration.ofMinutes(1);
  /**
   * A free lock has nothing to remember, so it ends after this long idle rather than sitting in
   * the worker's cache; the next request starts a new run (signal-with-start, id reuse allowed).
   */
  static final Duration IDLE_END = Duration.ofMinutes(10);
  /** Messages and holder checks handled per run before continue-as-new keeps the history bounded. */
  static final int OPERATIONS_PER_RUN = 100;

  private final LockActivities activities = TopologyLock.activities();

  private final Deque<Object> inbox = new ArrayDeque<>();
  private LockBook book = LockBook.from(null);
  private String cluster;

  @Override
  public void run(TopologyLockInput input) {
    if (input == null || input.cluster() == null || input.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "TopologyLock needs a cluster, e.g. {\"cluster\": \"main\"}", FailureTypes.BAD_INPUT);
    }
    cluster = input.cluster();
    book = LockBook.from(input.state());
    int operations = 0;
    Instant lastActivity = now();
    Instant nextCheck = now().plus(CHECK_EVERY);
    showDetails();
    while (true) {
      Workflow.await(until(book.isFree() ? lastActivity.plus(IDLE_END) : nextCheck), () -> !inbox.isEmpty());
      while (!inbox.isEmpty()) {
        Object message = inbox.removeFirst();
        if (message instanceof LockRequest request) {
          handle(request);
        } else {
          handle((LockRelease) message);
        }
        operations++;
        lastActivity = now();
      }
      if (!book.isFree() && !now().isBefore(nextCheck)) {
        checkHolders();
        operations++;
        lastActivity = now();
      }
      if (book.isFree() || !now().isBefore(nextCheck)) {
        nextCheck = now().plus(CHECK_EVERY);
      }
      showDetails();
      if (!inbox.isEmpty()) {
        continue;
      }
      if (book.isFree() && !now().isBefore(lastActivity.plus(IDLE_END))) {
        return;
      }
      if (operations >= OPERATIONS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) {
        continueAsNew();
      }
    }
  }

  /**
   * Continue-as-new with the state and the {@code startedBy} memo: Temporal does not carry a memo over by itself,
   * and a lock run without it is refused as a squatter by every request (every topology runbook of the cluster
   * refused until someone terminates the lock).
   */
  private void continueAsNew() {
    Object startedBy = Workflow.getMemo(TopologyLock.STARTED_BY_MEMO, String.class);
    ContinueAsNewOptions.Builder options = ContinueAsNewOptions.newBuilder();
    if (startedBy != null) {
      options.setMemo(Map.of(TopologyLock.STARTED_BY_MEMO, startedBy));
    }
    Workflow.continueAsNew(options.build(), new TopologyLockInput(cluster, book.state()));
  }

  @Override
  public void acquire(LockRequest request) {
    inbox.addLast(request);
  }

  @Override
  public void release(LockRelease release) {
    inbox.addLast(release);
  }

  @Override
  public LockHolder holder() {
    return book.owner().map(Holding::asHolder).orElse(null);
  }

  @Override
  public List<LockHolder> holders() {
    return book.holdings().stream().map(Holding::asHolder).toList();
  }

  @Override
  public List<LockEvent> recent() {
    return book.recent();
  }

  private void handle(LockRequest r) {
    if (r == null || r.lockId() == null || r.requesterWorkflowId() == null) {
      book.log(now(), "ignored a request without lockId or requesterWorkflowId: " + r);
      return;
    }
    Verdict verdict = book.decide(r);
    if (verdict == Verdict.REFUSE) {
      // Never refuse in the name of a run that already ended: confirm the holders first.
      checkHolders();
      verdict = book.decide(r);
    }
    LockResponse answer = switch (verdict) {
      case GRANT, SHARE -> book.grant(r, verdict == Verdict.SHARE, now());
      case ALREADY_HELD -> new LockResponse(r.lockId(), true, null, null, null);
      case REPEAT_REFUSAL -> book.previousRefusal(r.lockId()).orElseThrow();
      case REFUSE -> book.refuse(r, now());
    };
    if (!answer(r, answer) && answer.granted()) {
      // A grant the requester never hears of would hold the lock for nobody.
      book.drop(new Run(r.requesterWorkflowId(), r.requesterRunId()), "the run could not be told it holds the lock", now());
    }
  }

  private void handle(LockRelease r) {
    if (r == null || r.lockId() == null || r.requesterWorkflowId() == null) {
      book.log(now(), "ignored a release without lockId or requesterWorkflowId: " + r);
      return;
    }
    book.release(r, now());
  }

  /** Signals the exact requesting run; false when it cannot be reached (it ended meanwhile). */
  private boolean answer(LockRequest r, LockResponse response) {
    WorkflowExecution.Builder target = WorkflowExecution.newBuilder().setWorkflowId(r.requesterWorkflowId());
    if (r.requesterRunId() != null) {
      target.setRunId(r.requesterRunId());
    }
    try {
      Workflow.newUntypedExternalWorkflowStub(target.build()).signal(TopologyLock.RESPONSE_SIGNAL, response);
      return true;
    } catch (TemporalFailure | SignalExternalWorkflowException e) {
      // In SDK 1.38 a vanished run surfaces as an ApplicationFailure of type ..._EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND.
      book.log(now(), "could not answer " + r.requesterRunbook() + " run " + r.requesterWorkflowId() + ": "
          + Failures.describe(e));
      return false;
    }
  }

  /** Frees the holdings of runs that ended without releasing; a run that cannot be checked keeps its holding. */
  private void checkHolders() {
    List<Run> runs = List.copyOf(book.runs());
    List<Promise<RunStatus>> statuses = runs.stream()
        .map(run -> Async.function(activities::describeRun, new DescribeRunInput(run.workflowId(), run.runId())))
        .toList();
    for (int i = 0; i < runs.size(); i++) {
      try {
        RunStatus status = statuses.get(i).get();
        if (!status.open()) {
          book.drop(runs.get(i), "the run ended (" + status.status() + ") without releasing", now());
        }
      } catch (ActivityFailure e) {
        book.log(now(), "could not check on run " + runs.get(i).workflowId() + ", keeping its holding: "
            + Failures.describe(e));
      }
    }
  }

  private void showDetails() {
    String details = book.owner()
        .map(o -> "Topology lock of cluster **" + cluster + "** held by " + o.runbook() + " run `" + o.workflowId()
            + "` since " + o.since() + sharers())
        .orElse("Topology lock of cluster **" + cluster + "** is free.");
    Workflow.setCurrentDetails(details);
  }

  private String sharers() {
    List<Holding> shared = book.holdings().stream().filter(Holding::shared).toList();
    return shared.isEmpty() ? "" : ", shared with " + shared.stream().map(h -> "`" + h.workflowId() + "`")
        .distinct().collect(Collectors.joining(", "));
  }

  private static Duration until(Instant at) {
    Duration left = Duration.between(now(), at);
    return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
