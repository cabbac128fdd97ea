package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.VacuumActivities;
import io.pgrunbooks.workflows.activities.VacuumActivities.TableVacuum;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumFacts;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumTableInput;
import io.pgrunbooks.workflows.activities.VacuumActivities.VacuumTarget;
import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.StepRecord;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.pgrunbooks.workflows.runbook.RunbookWorkflowBase;
import io.pgrunbooks.workflows.vacuumanalyze.VacuumPlanner.PlannedTable;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** See {@link VacuumAnalyzeWorkflow}. */
public class VacuumAnalyzeWorkflowImpl extends RunbookWorkflowBase implements VacuumAnalyzeWorkflow {
  /** How often a paused run reads the replicas' lag again (a durable timer between reads). */
  public static final Duration LAG_RECHECK = Duration.ofSeconds(30);
  /** How often the progress of the running VACUUM is copied into the {@code progress} query. */
  public static final Duration PROGRESS_POLL = Duration.ofSeconds(30);

  private final VacuumActivities reads = Workflow.newActivityStub(VacuumActivities.class,
      ActivityStubs.central(Duration.ofMinutes(2))
          .retry(ActivityStubs.retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .build());

  private final VacuumActivities vacuums = Workflow.newActivityStub(VacuumActivities.class,
      ActivityStubs.central(Duration.ofHours(24))
          // A lost worker (and the window's cancel, which arrives with a heartbeat) is noticed within 20 s;
          // VACUUM is idempotent, the retry simply runs it again.
          .heartbeat(Duration.ofSeconds(20))
          .retry(ActivityStubs.retry(5, Duration.ofSeconds(5), Duration.ofMinutes(2)))
          // At the window's end the VACUUM is cancelled and the run waits until the statement really stopped.
          .waitForCancellation()
          .build());

  private String status;
  private int pauses;

  @Override
  public VacuumAnalyzeResult run(VacuumAnalyzeInput input) {
    String problem = VacuumPlanner.inputProblem(input);
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(problem, FailureTypes.BAD_INPUT);
    }
    String cluster = input.cluster().strip();
    VacuumTarget target = new VacuumTarget(cluster, input.database().strip(), input.tablesOrEmpty());
    Duration window = VacuumPlanner.window(input.window());
    RunRecorder run = begin(WorkflowTypes.VACUUM_ANALYZE, cluster, target.database(), input);
    long deadline = window == null ? Long.MAX_VALUE : Workflow.currentTimeMillis() + window.toMillis();
    try {
      VacuumFacts facts = run.step("inspect", () -> reads.inspectVacuum(target), f -> f.tables().size()
          + " table(s) read on " + f.primaryNode() + "; autovacuum_freeze_max_age " + f.freezeMaxAge());
      List<PlannedTable> plan = VacuumPlanner.plan(facts, input);
      plan.forEach(p -> run.plan(VacuumPlanner.statement(p) + " -- " + p.why()));
      List<String> urgent = plan.stream().filter(PlannedTable::urgent).map(PlannedTable::table).toList();
      if (plan.isEmpty()) {
        return new VacuumAnalyzeResult(finish(RunbookState.COMPLETED, "no table of " + target.database()
            + " crosses a threshold: nothing to vacuum or analyze"), plan, List.of(), List.of(), List.of(), urgent, 0);
      }
      if (input.dryRun()) {
        return new VacuumAnalyzeResult(finish(RunbookState.COMPLETED, "dry run: " + plan.size() + " table(s) would be"
            + " processed" + (urgent.isEmpty() ? "" : ", urgent (wraparound): " + urgent) + "; nothing was changed"),
            plan, List.of(), tables(plan), List.of(), urgent, 0);
      }
      List<TableVacuum> done = new ArrayList<>();
      List<String> left = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (PlannedTable p : plan) {
        if (!left.isEmpty() || !replicasCaughtUp(target, input.maxReplicaLagSecondsOrDefault(), deadline)) {
          left.add(p.table());
          continue;
        }
        VacuumTableInput in = new VacuumTableInput(cluster, target.database(), p.table(),
            p.action() == VacuumPlanner.Action.FREEZE, p.action() == VacuumPlanner.Action.ANALYZE);
        TableVacuum r;
        try {
          r = run.step(VacuumPlanner.statement(p), () -> vacuumUntil(in, deadline), VacuumAnalyzeWorkflowImpl::describe);
        } catch (ActivityFailure e) {
          // One table's persistent failure (a lock held past every retry) must not keep the others unvacuumed.
          failed.add(p.table() + ": " + Failures.describe(e));
          continue;
        } finally {
          status = null;
        }
        if (r == null) {
          left.add(p.table());
        } else {
          done.add(r);
          run.change(r.alreadyGone() ? p.table() + " was dropped meanwhile" : describe(r));
        }
      }
      return new VacuumAnalyzeResult(end(done, left, failed, urgent), plan, done, left, failed, urgent, pauses);
    } catch (RuntimeException e) {
      fail("VacuumAnalyze of " + target.database() + " failed: " + Failures.describe(e));
      throw e;
    }
  }

  /**
   * Waits (durable timer, re-check) while a replica replays more than {@code maxSeconds} behind; false when the window
   * ended first.
   */
  private boolean replicasCaughtUp(VacuumTarget target, int maxSeconds, long deadline) {
    Instant pausedAt = null;
    String why = null;
    while (true) {
      if (Workflow.currentTimeMillis() >= deadline) {
        if (pausedAt != null) {
          run().record("paused for replica lag", StepRecord.DONE, pausedAt, why + "; the window ended meanwhile");
        }
        return false;
      }
      String over = VacuumPlanner.lagProblem(reads.replicaLag(target), maxSeconds);
      if (over == null) {
        if (pausedAt != null) {
          run().record("paused for replica lag", StepRecord.DONE, pausedAt, why + "; resumed");
          status = null;
        }
        return true;
      }
      if (pausedAt == null) {
        pausedAt = run().now();
        why = over;
        pauses++;
      }
      status = "paused: " + over + "; next check in " + LAG_RECHECK.toSeconds() + " s";
      Workflow.sleep(Duration.ofMillis(Math.min(LAG_RECHECK.toMillis(), deadline - Workflow.currentTimeMillis())));
    }
  }

  /** One table's VACUUM, its progress copied into the query meanwhile; null when the window ended and it was cancelled. */
  private TableVacuum vacuumUntil(VacuumTableInput in, long deadline) {
    List<Promise<TableVacuum>> started = new ArrayList<>();
    CancellationScope scope = Workflow.newCancellationScope(() -> {
      started.add(Async.function(vacuums::vacuumTable, in));
    });
    scope.run();
    Promise<TableVacuum> promise = started.get(0);
    while (!promise.isCompleted()) {
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        scope.cancel();
        try {
          return promise.get();
        } catch (ActivityFailure e) {
          if (e.getCause() instanceof CanceledFailure) {
            return null;
          }
          throw e;
        }
      }
      if (!Workflow.await(Duration.ofMillis(Math.min(PROGRESS_POLL.toMillis(), left)), promise::isCompleted)
          && Workflow.currentTimeMillis() < deadline) {
        try {
          status = reads.vacuumProgress(in);
        } catch (RuntimeException e) {
          status = "progress unknown: " + Failures.describe(e);
        }
      }
    }
    return promise.get();
  }

  private RunReport end(List<TableVacuum> done, List<String> left, List<String> failed, List<String> urgent) {
    String summary = done.size() + " table(s) processed" + (left.isEmpty() ? "" : "; left for the next run (the window"
        + " ended): " + left) + (failed.isEmpty() ? "" : "; failed: " + failed)
        + (pauses == 0 ? "" : "; paused " + pauses + " time(s) for replica lag");
    if (urgent.isEmpty() && failed.isEmpty()) {
      return finish(RunbookState.COMPLETED, summary);
    }
    List<String> frozen = done.stream().map(TableVacuum::table).toList();
    List<String> urgentLeft = urgent.stream().filter(t -> !frozen.contains(t)).toList();
    List<String> findings = new ArrayList<>();
    if (!urgent.isEmpty()) {
      findings.add("tables near transaction-id wraparound (age(relfrozenxid) above the urgent fraction of"
          + " autovacuum_freeze_max_age): " + urgent + (urgentLeft.isEmpty() ? "; all were frozen now"
          : "; NOT frozen (the window ended or the VACUUM failed): " + urgentLeft));
    }
    if (!failed.isEmpty()) {
      findings.add("VACUUM failed after its retries: " + failed);
    }
    String text = String.join("\n", findings);
    return finishWithFindings(urgentLeft.isEmpty() ? Notification.WARNING : Notification.CRITICAL, text,
        (urgent.isEmpty() ? "" : "urgent: ") + String.join("; ", findings) + "; " + summary);
  }

  @Override
  public Progress progress() {
    Progress p = super.progress();
    String step = p.currentStep() == null ? status : p.currentStep() + " (" + status + ")";
    return status == null ? p : new Progress(p.state(), step, p.steps(),
        p.pendingApprovals(), p.approvals(), p.log());
  }

  private static List<String> tables(List<PlannedTable> plan) {
    return plan.stream().map(PlannedTable::table).toList();
  }

  private static String describe(TableVacuum r) {
    if (r == null) {
      return "cancelled at the end of the window";
    }
    if (r.alreadyGone()) {
      return r.table() + " no longer exists";
    }
    return String.format("%s: dead tuples %d -> %d, %d page(s) removed (%d -> %d), %.1f s", r.table(), r.deadBefore(),
        r.deadAfter(), r.pagesRemoved(), r.pagesBefore(), r.pagesAfter(), r.millis() / 1000.0);
  }
}
