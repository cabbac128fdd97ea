package io.pgrunbooks.workflows.terminatesessions;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.SessionActivities;
import io.pgrunbooks.workflows.activities.SessionActivities.Action;
import io.pgrunbooks.workflows.activities.SessionActivities.Criteria;
import io.pgrunbooks.workflows.activities.SessionActivities.Outcome;
import io.pgrunbooks.workflows.activities.SessionActivities.Session;
import io.pgrunbooks.workflows.activities.SessionActivities.Signal;
import io.pgrunbooks.workflows.approval.ApprovalOutcome;
import io.pgrunbooks.workflows.approval.ApprovalRequest;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** See {@link TerminateSessionsWorkflow}. */
public class TerminateSessionsWorkflowImpl extends RunbookWorkflowBase implements TerminateSessionsWorkflow {
  /**
   * Approval step name; an {@code approvals.preApprovals} entry names it with the run's database and, as target,
   * the run's {@link TerminateRules#scope} line (or {@code *}).
   */
  public static final String STEP = "terminate-sessions";
  /** getVersion change id of delegated approvals (PoolExhausted's children). */
  public static final String DELEGATION_CHANGE = "delegated-approval";
  /** How long a cancel gets to free a session before it is terminated. */
  static final Duration CANCEL_GRACE = Duration.ofSeconds(2);

  private final SessionActivities sessions = Workflow.newActivityStub(SessionActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30))
          .scheduleToClose(Duration.ofMinutes(2))
          .retry(ActivityStubs.retry(0, Duration.ofSeconds(1), Duration.ofSeconds(10)))
          .build());

  private final List<Integer> cancelled = new ArrayList<>();
  private final List<Integer> terminated = new ArrayList<>();
  private final List<Integer> gone = new ArrayList<>();
  private final List<Integer> notEnded = new ArrayList<>();
  private final List<Integer> leftAlone = new ArrayList<>();

  @Override
  public TerminateSessionsResult run(TerminateSessionsInput input) {
    List<String> problems = TerminateRules.problems(input);
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("TerminateSessions input: " + String.join("; ", problems)
          + "; e.g. {\"cluster\": \"main\", \"database\": \"app\", \"idleInTransactionLongerThan\": \"10m\"}",
          FailureTypes.BAD_INPUT);
    }
    Criteria criteria = TerminateRules.criteria(input);
    String target = criteria.database() != null ? criteria.database() : criteria.cluster();
    RunRecorder run = begin(WorkflowTypes.TERMINATE_SESSIONS, criteria.cluster(), target, input);
    String what = TerminateRules.describe(input);
    try {
      List<Session> found = run.step("select sessions", () -> sessions.findSessions(criteria),
          l -> l.size() + " session(s) match " + what);
      int max = input.maxSessionsOrDefault();
      if (found.size() > max) {
        String why = "more than maxSessions=" + max + " sessions match " + what + " (" + found.size()
            + " read, limit " + max + "): narrow the criteria or raise maxSessions; nothing was signalled";
        run.record("limit", StepRecord.FAILED, run.now(), why);
        throw ApplicationFailure.newNonRetryableFailure(why, FailureTypes.SAFETY_REFUSED);
      }
      found.forEach(s -> run.log("selected " + s.describe()));
      if (found.isEmpty()) {
        return result(RunbookState.COMPLETED, "no session matches " + what + "; nothing to do", found);
      }
      if (input.dryRun()) {
        for (Session s : found) {
          run.plan((input.cancelFirstEnabled() ? "pg_cancel_backend(" + s.pid() + "), wait "
              + CANCEL_GRACE.toSeconds() + " s, then " : "") + "pg_terminate_backend(" + s.pid()
              + ") if pid " + s.pid() + " still started at " + s.backendStart() + " and still matches");
        }
        return result(RunbookState.COMPLETED, "dry run: " + found.size() + " session(s) would be ended; nothing was "
            + "signalled", found);
      }
      ApprovalRequest request = ApprovalRequest.of(STEP, "end " + found.size()
          + " session(s) matching " + what + (input.cancelFirstEnabled() ? " (cancel first)" : ""),
          TerminateRules.scope(input),
          evidence(found));
      // Only runs carrying a delegation take the new path, so runs recorded before it replay unchanged.
      ApprovalOutcome outcome = input.delegatedApproval() != null
          && Workflow.getVersion(DELEGATION_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
          ? gate().request(request, input.delegatedApproval(), found.stream().map(TerminateSessionsWorkflowImpl::scopeItem).toList())
          : gate().request(request);
      if (!outcome.approved()) {
        return result(outcome.endState(), "ending " + found.size() + " session(s) " + outcome.describe()
            + "; nothing was signalled", found);
      }
      act(run, criteria, found, input.cancelFirstEnabled());
      return result(RunbookState.COMPLETED, summary(), found);
    } catch (RuntimeException e) {
      fail("TerminateSessions on " + target + " failed: " + Failures.describe(e)
          + (terminated.isEmpty() && cancelled.isEmpty() ? "" : "; before that: " + summary()));
      throw e;
    }
  }

  private void act(RunRecorder run, Criteria criteria, List<Session> found, boolean cancelFirst) {
    List<Session> left = new ArrayList<>(found);
    if (cancelFirst) {
      for (Session s : found) {
        Outcome o = signal(run, criteria, s, Action.CANCEL);
        if (o != Outcome.CANCELLED) {
          left.remove(s);
          (o == Outcome.GONE ? gone : leftAlone).add(s.pid());
        }
      }
      Workflow.sleep(CANCEL_GRACE);
    }
    for (Session s : left) {
      Outcome o = signal(run, criteria, s, Action.TERMINATE);
      switch (o) {
        case TERMINATED -> {
          terminated.add(s.pid());
          run.change("terminated " + s.describe());
        }
        case TERMINATE_PENDING -> notEnded.add(s.pid());
        // A cancelled session that no longer matches was freed by its cancel: it keeps its connection.
        case NO_LONGER_MATCHES -> (cancelFirst ? cancelled : leftAlone).add(s.pid());
        default -> gone.add(s.pid());
      }
    }
  }

  private Outcome signal(RunRecorder run, Criteria criteria, Session s, Action action) {
    return run.step(action.name().toLowerCase() + " " + s.pid(),
        () -> sessions.signalSession(new Signal(criteria, s.pid(), s.backendStartMicros(), action)),
        o -> "pid " + s.pid() + " started " + s.backendStart() + ": " + o);
  }

  private String summary() {
    return "terminated " + terminated + ", cancelled and left connected " + cancelled + ", already gone " + gone
        + (notEnded.isEmpty() ? "" : ", signalled but not ended after 5 s " + notEnded)
        + (leftAlone.isEmpty() ? "" : ", no longer matching before any signal (left alone) " + leftAlone);
  }

  private TerminateSessionsResult result(RunbookState state, String summary, List<Session> found) {
    return new TerminateSessionsResult(finish(state, summary), found, List.copyOf(cancelled), List.copyOf(terminated),
        List.copyOf(gone), List.copyOf(notEnded), List.copyOf(leftAlone));
  }

  /** How a delegation's scope names a session: the pair (pid, backend_start) that identifies it. */
  public static String scopeItem(Session s) {
    return s.pid() + "@" + s.backendStartMicros();
  }

  private static Map<String, String> evidence(List<Session> found) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Session s : found) {
      m.put("pid " + s.pid(), s.describe());
    }
    return m;
  }
}
