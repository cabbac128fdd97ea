package io.pgrunbooks.workflows.runbook;

import io.pgrunbooks.workflows.common.ActivityStubs;
import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.AuditReport;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.ReportActivities;
import io.pgrunbooks.workflows.approval.ApprovalGate;
import io.pgrunbooks.workflows.approval.ApprovalSignal;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.pgrunbooks.workflows.common.Failures;
import io.pgrunbooks.workflows.common.Progress;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.RunReport;
import io.pgrunbooks.workflows.common.RunbookInput;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.lock.LockInbox;
import io.pgrunbooks.workflows.lock.LockResponse;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every runbook implementation extends: the run's {@link RunRecorder} and {@link ApprovalGate},
 * the messages of {@link Runbook}, and the {@code completed}/{@code failed} notifications. A runbook
 * calls {@link #begin} first, asks {@link #gate()} before each destructive step, and ends with
 * {@link #finish} (or {@link #fail} before rethrowing).
 */
public abstract class RunbookWorkflowBase implements Runbook {
  /** Notification event of a run that ended COMPLETED, REJECTED or TIMED_OUT (the outcome is a field). */
  public static final String COMPLETED = Notification.COMPLETED;
  /** Notification event of a run that ended FAILED. */
  public static final String FAILED = Notification.FAILED;
  /**
   * Change id of the report written to the bucket when a run finishes (the audit trail that outlives
   * Temporal): runs recorded before it finish without the write.
   */
  public static final String AUDIT_REPORT = "audit-report";

  /** Answers of the cluster's topology lock, delivered by the {@code lockResponse} signal. */
  protected final LockInbox lockInbox = new LockInbox();

  private final ApprovalActivities approvals = Workflow.newActivityStub(ApprovalActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30))
          .scheduleToClose(Duration.ofMinutes(2))
          .retry(ActivityStubs.retry(0, Duration.ofSeconds(1), Duration.ofSeconds(10)))
          .build());

  private final NotifyActivities notifier = Workflow.newActivityStub(NotifyActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30))
          // A worker without a notifier must not hold a finished run for long: best effort only.
          .scheduleToStart(Duration.ofSeconds(10))
          .retry(ActivityStubs.retry(3, Duration.ofSeconds(1), Duration.ofSeconds(5)))
          .build());

  // Unlimited attempts within 10 minutes: an S3 blip must not lose the audit record, and a run must
  // still end when the bucket is gone for longer (the report stays in history; the run logs it).
  private final ReportActivities reports = Workflow.newActivityStub(ReportActivities.class,
      ActivityStubs.central(Duration.ofSeconds(30))
          .scheduleToClose(Duration.ofMinutes(10))
          .retry(ActivityStubs.retry(0, Duration.ofSeconds(1), Duration.ofSeconds(30)))
          .build());

  private RunRecorder run;
  private ApprovalGate gate;
  private RunbookInput input;
  private String cluster;
  private String runbook;
  private String target;

  /**
   * Starts the run: search attributes, journal, approval gate. The approval policy is read (by an
   * activity, so it is in history) only when the first approval is asked: read-only runbooks never read it.
   */
  protected final RunRecorder begin(String runbook, String cluster, String target, RunbookInput input) {
    this.runbook = runbook;
    this.cluster = cluster;
    this.target = target;
    this.input = input;
    run = RunRecorder.start(runbook, cluster, target, input.dryRun());
    gate = new ApprovalGate(run, runbook, input.requestedBy(), input.dryRun(),
        () -> approvals.approvalPolicy(new ApprovalPolicyInput(runbook, cluster, target,
            input.database() == null ? null : input.database().strip())), approvals,
        this::notify);
    return run;
  }

  protected final RunRecorder run() {
    if (run == null) {
      throw new IllegalStateException("begin() was not called");
    }
    return run;
  }

  protected final ApprovalGate gate() {
    if (gate == null) {
      throw new IllegalStateException("begin() was not called");
    }
    return gate;
  }

  /**
   * Ends the run with {@code outcome} (COMPLETED, REJECTED, TIMED_OUT or FAILED), sends the
   * {@code completed} notification ({@code failed} for FAILED) and returns the report.
   */
  protected final RunReport finish(RunbookState outcome, String summary) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("outcome", outcome.name());
    fields.put("summary", summary);
    String event = outcome == RunbookState.FAILED ? FAILED : COMPLETED;
    notify(event, "*" + runbook + "* on `" + target + "`: " + outcome + "\n\n" + summary, fields, null);
    return archived(run().finish(outcome, summary));
  }

  /**
   * Ends a run that completed but found problems people must act on: sends the {@code findings}
   * notification with its severity ({@link Notification#CRITICAL} or {@link Notification#WARNING})
   * naming the findings, instead of the plain {@code completed} one, and returns the report.
   */
  protected final RunReport finishWithFindings(String severity, String findings, String summary) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("severity", severity);
    fields.put("summary", summary);
    WorkflowInfo info = Workflow.getInfo();
    send(new Notification(Notification.FINDINGS, runbook, info.getWorkflowId(), info.getRunId(), target,
        "*" + runbook + "* on `" + target + "` found problems (" + severity + "):\n\n" + findings, fields, severity,
        cluster, null));
    return archived(run().finish(RunbookState.COMPLETED, summary));
  }

  /** {@link #finish} with FAILED; the caller rethrows the failure. */
  protected final RunReport fail(String summary) {
    return finish(RunbookState.FAILED, summary);
  }

  @Override
  public Progress progress() {
    return run != null ? run.progress() : Progress.starting();
  }

  @Override
  public void approve(ApprovalSignal signal) {
    onSignal(signal, true);
  }

  @Override
  public void reject(ApprovalSignal signal) {
    onSignal(signal, false);
  }

  @Override
  public void validateDecide(Decision decision) {
    if (gate == null) {
      throw new IllegalArgumentException("no approval is pending");
    }
    gate.validate(decision);
  }

  @Override
  public DecisionResult decide(Decision decision) {
    if (gate == null) {
      throw ApplicationFailure.newFailure("no approval is pending", ApprovalGate.REFUSED);
    }
    return gate.decide(decision);
  }

  @Override
  public void lockResponse(LockResponse response) {
    lockInbox.deliver(response);
  }

  private void onSignal(ApprovalSignal signal, boolean approve) {
    if (gate == null) {
      Workflow.getLogger(RunbookWorkflowBase.class).warn("ignored signal: {} before the run started",
          approve ? "approve" : "reject");
      return;
    }
    gate.onSignal(signal, approve);
  }

  /**
   * Writes the finished run's report to the bucket (inputs, steps, approvals, changes), detached so a
   * cancelled run is recorded too. A write that keeps failing is logged in the run, never failing it:
   * the report is still the run's result in Temporal.
   */
  private RunReport archived(RunReport report) {
    if (Workflow.getVersion(AUDIT_REPORT, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return report;
    }
    WorkflowInfo info = Workflow.getInfo();
    AuditReport audit = new AuditReport(info.getWorkflowId(), info.getRunId(), input, report);
    try {
      Workflow.newDetachedCancellationScope(() -> {
        reports.writeReport(audit);
      }).run();
    } catch (RuntimeException e) {
      String line = "report not written to the bucket: " + Failures.describe(e);
      Workflow.getLogger(RunbookWorkflowBase.class).warn(line);
      run.log(line);
    }
    return report;
  }

  /** Sends a notification; a failure is logged in the run and never fails it. */
  private void notify(String event, String text, Map<String, String> fields, String key) {
    WorkflowInfo info = Workflow.getInfo();
    send(new Notification(event, runbook, info.getWorkflowId(), info.getRunId(), target, text, fields, null, cluster,
        key));
  }

  private void send(Notification n) {
    String event = n.event();
    try {
      // Detached: a cancelled run still tells people how it ended.
      Workflow.newDetachedCancellationScope(() -> notifier.notify(n)).run();
    } catch (RuntimeException e) {
      String line = "notification '" + event + "' not sent: " + Failures.describe(e);
      Workflow.getLogger(RunbookWorkflowBase.class).warn(line);
      run.log(line);
    }
  }
}
