package io.pgrunbooks.workflows.common;

import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Workflow-side journal of one run: steps, approvals, changes and plan; mirrors the run state in
 * the {@code RunbookState} search attribute and the Temporal UI's current details, answers the
 * {@code progress} query and builds the final {@link RunReport}. Uses only workflow time, so it
 * is deterministic on replay.
 */
public final class RunRecorder {
  private final String runbook;
  private final String cluster;
  private final String target;
  private final boolean dryRun;
  private final Instant startedAt;
  private final List<StepRecord> steps = new ArrayList<>();
  private final List<ApprovalRecord> approvals = new ArrayList<>();
  private final List<PendingApproval> pending = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();
  private final List<String> plan = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private RunbookState state = RunbookState.RUNNING;

  private RunRecorder(String runbook, String cluster, String target, boolean dryRun) {
    this.runbook = runbook;
    this.cluster = cluster;
    this.target = target;
    this.dryRun = dryRun;
    this.startedAt = now();
  }

  /** Starts the journal and sets the run's search attributes (type, cluster, target, state, dry run). */
  public static RunRecorder start(String runbook, String cluster, String target, boolean dryRun) {
    RunRecorder run = new RunRecorder(runbook, cluster, target, dryRun);
    Workflow.upsertTypedSearchAttributes(
        SearchAttributes.TYPE.valueSet(runbook),
        SearchAttributes.CLUSTER.valueSet(cluster == null ? "" : cluster),
        SearchAttributes.TARGET.valueSet(target == null ? "" : target),
        SearchAttributes.STATE.valueSet(RunbookState.RUNNING.name()),
        SearchAttributes.DRY_RUN.valueSet(dryRun));
    run.publishDetails();
    return run;
  }

  /**
   * Runs {@code body} as a named step. The step is recorded DONE with {@code describe(result)} as
   * its detail, or FAILED with the failure's plain message, and the failure is rethrown.
   */
  public <T> T step(String name, Supplier<T> body, Function<T, String> describe) {
    int index = begin(name);
    try {
      T result = body.get();
      end(index, StepRecord.DONE, describe.apply(result));
      return result;
    } catch (RuntimeException e) {
      end(index, StepRecord.FAILED, Failures.describe(e));
      throw e;
    }
  }

  /** Records a step that was not run, and why. */
  public void skipped(String name, String why) {
    Instant at = now();
    steps.add(new StepRecord(name, StepRecord.SKIPPED, at, at, why));
  }

  /** Records a step whose work happened elsewhere (e.g. in parallel) with its outcome. */
  public void record(String name, String status, Instant start, String detail) {
    steps.add(new StepRecord(name, status, start, now(), detail));
    publishDetails();
  }

  public void change(String what) {
    changes.add(what);
  }

  public void plan(String statementOrCommand) {
    plan.add(statementOrCommand);
  }

  public void approval(ApprovalRecord decision) {
    approvals.add(decision);
  }

  /** Adds a pending approval, or replaces the one with the same request id (a vote came in). */
  public void awaiting(PendingApproval request) {
    pending.removeIf(p -> p.requestId().equals(request.requestId()));
    pending.add(request);
    if (state == RunbookState.AWAITING_APPROVAL) {
      publishDetails();
    } else {
      setState(RunbookState.AWAITING_APPROVAL);
    }
  }

  public void decided(String requestId) {
    pending.removeIf(p -> p.requestId().equals(requestId));
    if (pending.isEmpty() && state == RunbookState.AWAITING_APPROVAL) {
      setState(RunbookState.RUNNING);
    } else {
      publishDetails();
    }
  }

  /** Adds a line to the run's log (ignored signals, failed notifications), shown in progress and report. */
  public void log(String line) {
    log.add(line);
  }

  public void setState(RunbookState newState) {
    state = newState;
    Workflow.upsertTypedSearchAttributes(SearchAttributes.STATE.valueSet(newState.name()));
    publishDetails();
  }

  public RunbookState state() {
    return state;
  }

  public Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  public Progress progress() {
    return new Progress(state, currentStep(), List.copyOf(steps), List.copyOf(pending), List.copyOf(approvals),
        List.copyOf(log));
  }

  /** Ends the run with {@code outcome}: sets the final state and returns the report. */
  public RunReport finish(RunbookState outcome, String summary) {
    setState(outcome);
    Instant end = now();
    return new RunReport(runbook, cluster, target, dryRun, outcome, summary, List.copyOf(steps),
        List.copyOf(approvals), List.copyOf(changes), List.copyOf(plan), List.copyOf(log), startedAt, end,
        end.toEpochMilli() - startedAt.toEpochMilli());
  }

  private int begin(String name) {
    steps.add(new StepRecord(name, StepRecord.RUNNING, now(), null, null));
    publishDetails();
    return steps.size() - 1;
  }

  private void end(int index, String status, String detail) {
    steps.set(index, steps.get(index).finish(status, now(), detail));
    publishDetails();
  }

  private String currentStep() {
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (StepRecord.RUNNING.equals(steps.get(i).status())) {
        return steps.get(i).name();
      }
    }
    return null;
  }

  /** Markdown shown in the Temporal UI: what the run does or waits for right now. */
  private void publishDetails() {
    StringBuilder md = new StringBuilder();
    md.append("**").append(runbook).append("** on `").append(target).append("`");
    if (dryRun) {
      md.append(" (dry run)");
    }
    md.append(" — state **").append(state).append("**\n\n");
    String current = currentStep();
    if (current != null) {
      md.append("Now: ").append(current).append("\n\n");
    }
    for (PendingApproval p : pending) {
      md.append(PendingApprovalText.markdown(p)).append('\n');
    }
    if (!steps.isEmpty()) {
      StepRecord last = steps.get(steps.size() - 1);
      md.append("Last step: ").append(last.name()).append(" — ").append(last.status());
      if (last.detail() != null) {
        md.append(": ").append(last.detail());
      }
      md.append('\n');
    }
    Workflow.setCurrentDetails(md.toString());
  }
}
