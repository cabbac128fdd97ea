package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.approval.ApprovalOutcome.Status;
import io.pgrunbooks.workflows.common.ApprovalRecord;
import io.pgrunbooks.workflows.common.FailureTypes;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.RunRecorder;
import io.pgrunbooks.workflows.common.StepRecord;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one approval gate every destructive step goes through (DESIGN.md section 3, invariant 1).
 * Workflow-side and deterministic: the policy comes from an activity (recorded in history) the first
 * time a step asks, votes arrive through the {@code approve}/{@code reject} signals and the
 * {@code decide} update, all checked by the same rules, and signed votes are verified by an activity
 * from the wait loop before they count.
 */
public final class ApprovalGate {
  /** Sends a notification; implementations never throw (a failed notification never fails a run). */
  @FunctionalInterface
  public interface Notifier {
    /** @param key the event's idempotency key, the same on every attempt */
    void send(String event, String text, Map<String, String> fields, String key);
  }

  public static final String APPROVAL_NEEDED = Notification.APPROVAL_NEEDED;
  /**
   * Change id of the reminders at fractions of the timeout and the {@code approval-expired} notification:
   * requests recorded before it wait for their deadline with one timer and expire silently.
   */
  public static final String REMINDERS = "approval-reminders";
  /** Failure type of a {@code decide} update refused after its validator passed. */
  public static final String REFUSED = "ApprovalRefused";
  static final Duration DEFAULT_TIMEOUT = Duration.ofHours(24);
  /** Plans that keep changing under their approvals stop the step after this many rounds. */
  public static final int MAX_PLAN_ROUNDS = 3;

  private final RunRecorder run;
  private final String runbook;
  private final String requestedBy;
  private final boolean dryRun;
  private final Supplier<ApprovalPolicy> policyLoader;
  private final Notifier notifier;
  private final Ballots ballots;
  private final VoteCounter votes;
  private ApprovalPolicy policy;
  private int issued;

  /**
   * @param policyLoader runs the {@code approvalPolicy} activity; called once, when the first approval is asked
   * @param approvals stub for {@code verifySignature}
   */
  public ApprovalGate(RunRecorder run, String runbook, String requestedBy, boolean dryRun,
                      Supplier<ApprovalPolicy> policyLoader, ApprovalActivities approvals, Notifier notifier) {
    this.run = run;
    this.runbook = runbook;
    this.requestedBy = requestedBy == null || requestedBy.isBlank() ? null : requestedBy.strip();
    this.dryRun = dryRun;
    this.policyLoader = policyLoader;
    this.notifier = notifier;
    this.ballots = new Ballots(this.requestedBy);
    this.votes = new VoteCounter(run, ballots, approvals);
  }

  /**
   * Asks for approval and waits for the decision: PRE_APPROVED at once when config pre-approves the
   * step for the target; otherwise APPROVED by the policy's number of distinct allowed approvers,
   * REJECTED by one, or TIMED_OUT at the deadline. Every vote is in the report.
   *
   * @throws IllegalStateException in a dry run, which must never reach a destructive step
   */
  public ApprovalOutcome request(ApprovalRequest request) {
    if (dryRun) {
      throw new IllegalStateException("dry run reached the approval of '" + request.action()
          + "': a dry run must never reach a destructive step");
    }
    ApprovalPolicy p = policy();
    String id = request.step() + "-" + (++issued);
    PreApproval pre = preApproval(request.step(), request.target());
    if (pre != null) {
      return preApproved(id, request, pre);
    }
    requireEnoughApprovers(request);
    Duration timeout = request.timeoutOverride() != null ? request.timeoutOverride()
        : p.timeoutSeconds() > 0 ? Duration.ofSeconds(p.timeoutSeconds()) : DEFAULT_TIMEOUT;
    Ballot ballot = ballots.open(id, request, p.approvalsNeeded(), run.now().plus(timeout));
    return run.step("approval " + id, () -> await(ballot), ApprovalOutcome::describe);
  }

  /**
   * Whether config pre-approves {@code step} on {@code target} (loads the policy once, as a request would): lets a
   * run skip work that only an approval by a person needs.
   */
  public boolean preApproves(String step, String target) {
    return preApproval(step, target) != null;
  }

  private PreApproval preApproval(String step, String target) {
    for (PreApproval pre : policy().preApprovals()) {
      if (pre.step().equals(step) && ("*".equals(pre.target()) || Objects.equals(pre.target(), target))) {
        return pre;
      }
    }
    return null;
  }

  /**
   * {@link #request(ApprovalRequest)}, unless {@code delegated} (from the input of a child run) covers it: then the
   * parent's approval counts, DELEGATED, named in the report with the parent's approvers. A delegation that
   * {@link Delegation} refuses (not a child run, a parent that may not delegate, {@code items} outside the approved
   * scope) is logged and this run asks its own approval as usual: a human still decides, nothing is refused that an
   * approver could allow.
   *
   * @param items what this run's fresh evidence says the step will act on, in the delegation scope's words
   */
  public ApprovalOutcome request(ApprovalRequest request, DelegatedApproval delegated, List<String> items) {
    if (delegated == null) {
      return request(request);
    }
    WorkflowInfo info = Workflow.getInfo();
    String refusal = Delegation.refusal(delegated, info.getParentWorkflowId().orElse(null),
        info.getParentRunId().orElse(null), request.step(), items);
    String id = request.step() + "-" + (++issued);
    if (refusal != null) {
      String why = "delegated approval not accepted: " + refusal + "; asking for approval instead";
      run.approval(new ApprovalRecord(id, request.action(), null, run.now(), "DELEGATION_REFUSED", why));
      run.record("approval " + id, StepRecord.DONE, run.now(), why);
      return request(request);
    }
    String comment = "approved on parent run " + delegated.parentWorkflowId() + " (request " + delegated.requestId()
        + ") by " + String.join(", ", delegated.approvedBy()) + "; " + items.size() + " item(s) within its plan";
    for (String approver : delegated.approvedBy()) {
      run.approval(new ApprovalRecord(id, request.action(), approver, run.now(), "DELEGATED", comment));
    }
    run.record("approval " + id, StepRecord.DONE, run.now(), comment);
    return new ApprovalOutcome(id, request.step(), Status.DELEGATED, delegated.approvedBy(), null, comment,
        request.planDigest());
  }

  /**
   * Gets {@code plan} approved, then recomputes it just before the step acts: when its digest
   * changed, the approval no longer counts and a new request carries the new evidence. The last plan
   * {@code plan} returned is the approved one. Fails (non-retryable, SafetyRefused) when the plan still
   * moves after {@link #MAX_PLAN_ROUNDS} approvals.
   */
  public ApprovalOutcome approveUntilStable(String step, Supplier<ApprovalRequest> plan) {
    ApprovalRequest asked = plan.get();
    for (int round = 1; ; round++) {
      ApprovalOutcome outcome = request(asked);
      if (outcome.status() != Status.APPROVED) {
        return outcome;
      }
      ApprovalRequest now = plan.get();
      if (Objects.equals(now.planDigest(), asked.planDigest())) {
        return outcome;
      }
      String change = ApprovalText.changes(asked, now);
      String why = "plan of " + step + " changed after approval " + outcome.requestId() + " (" + change
          + "); the approval no longer counts";
      run.approval(new ApprovalRecord(outcome.requestId(), asked.action(), null, run.now(), "SUPERSEDED", why));
      run.log(why);
      if (round >= MAX_PLAN_ROUNDS) {
        throw ApplicationFailure.newNonRetryableFailure(step + ": the plan changed after each of " + round
            + " approvals; nothing was done. Last change: " + change, FailureTypes.SAFETY_REFUSED);
      }
      asked = now;
    }
  }

  /** Handler of the {@code approve} and {@code reject} signals: invalid votes are ignored and logged. */
  public void onSignal(ApprovalSignal signal, boolean approve) {
    votes.onSignal(signal, approve);
  }

  /** Validator of the {@code decide} update: reads state only; throws IllegalArgumentException(reason). */
  public void validate(Decision decision) {
    votes.validate(decision);
  }

  /** Handler of the {@code decide} update: returns once the vote is counted, or fails with the reason. */
  public DecisionResult decide(Decision decision) {
    return votes.decide(decision);
  }

  private ApprovalOutcome await(Ballot ballot) {
    PendingApproval pending = ApprovalText.pending(ballot, policy, workflowId());
    Instant asked = run.now();
    run.awaiting(pending);
    try {
      notifier.send(APPROVAL_NEEDED, ApprovalText.notificationText(runbook, pending),
          ApprovalText.notificationFields(pending, link()), key(APPROVAL_NEEDED, ballot.id));
      boolean remind = Workflow.getVersion(REMINDERS, Workflow.DEFAULT_VERSION, 1) >= 1;
      Deque<Instant> reminders = ApprovalReminders.times(asked, ballot.deadline,
          remind ? policy.reminders() : List.of());
      while (ballot.open()) {
        Instant now = run.now();
        Duration left = Duration.between(now, ballot.deadline);
        if (left.isNegative() || left.isZero()) {
          expire(ballot);
          if (remind) {
            notifier.send(Notification.APPROVAL_EXPIRED, ApprovalText.expiredText(runbook, pending, ballot.outcome()),
                ApprovalText.notificationFields(pending, link()), key(Notification.APPROVAL_EXPIRED, ballot.id));
          }
        } else if (!reminders.isEmpty() && !reminders.peek().isAfter(now)) {
          String percent = ApprovalReminders.percent(asked, ballot.deadline, reminders.poll());
          PendingApproval still = ApprovalText.pending(ballot, policy, workflowId());
          notifier.send(Notification.APPROVAL_REMINDER, ApprovalText.reminderText(runbook, still, percent, left),
              ApprovalText.notificationFields(still, link()), key(Notification.APPROVAL_REMINDER, ballot.id + "/" + percent));
        } else {
          Duration wait = reminders.isEmpty() ? left : min(left, Duration.between(now, reminders.peek()));
          Workflow.await(wait, () -> !ballot.open() || ballots.hasQueued());
          votes.countQueued();
        }
      }
    } finally {
      run.decided(ballot.id);
    }
    return ballot.outcome();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Idempotency key of one notification of this run: the same on every attempt and on replay. */
  private static String key(String event, String suffix) {
    WorkflowInfo info = Workflow.getInfo();
    return info.getWorkflowId() + "/" + info.getRunId() + "/" + event + "/" + suffix;
  }

  private void expire(Ballot ballot) {
    String why = "no decision by the deadline " + ballot.deadline + " (" + ballot.approvedBy.size() + " of "
        + ballot.needed + " approvals" + (ballot.approvedBy.isEmpty() ? "" : " by " + String.join(", ", ballot.approvedBy))
        + ")";
    ballot.expire(why);
    run.approval(new ApprovalRecord(ballot.id, ballot.request.action(), null, run.now(), "TIMED_OUT", why));
  }

  private ApprovalOutcome preApproved(String id, ApprovalRequest request, PreApproval pre) {
    String comment = "pre-approved by config " + pre.configPath();
    run.approval(new ApprovalRecord(id, request.action(), "config", run.now(), "PRE_APPROVED", comment));
    run.record("approval " + id, StepRecord.DONE, run.now(), comment);
    return new ApprovalOutcome(id, request.step(), Status.PRE_APPROVED, List.of(), null, comment,
        request.planDigest());
  }

  /**
   * A request nobody can approve would only wait for its deadline: say so now. Not when the policy trusts identity
   * roles: anyone the identity provider gives an allowed role may come, and the config cannot count them.
   */
  private void requireEnoughApprovers(ApprovalRequest request) {
    if (ApproverRoles.trustsIdentityRoles(policy)) {
      return;
    }
    List<String> eligible = policy.approvers().entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue().stream().anyMatch(policy.allowedRoles()::contains))
        .map(Map.Entry::getKey)
        .filter(name -> !name.equalsIgnoreCase(requestedBy))
        .sorted().toList();
    if (eligible.size() < policy.approvalsNeeded()) {
      throw ApplicationFailure.newNonRetryableFailure("'" + request.action() + "' needs "
          + policy.approvalsNeeded() + " distinct approver(s) with role " + String.join(" or ", policy.allowedRoles())
          + " but the approvals config names " + (eligible.isEmpty() ? "none" : String.join(", ", eligible))
          + (requestedBy == null ? "" : " besides the requester " + requestedBy), FailureTypes.CONFIG);
    }
  }

  /**
   * How many distinct approvers each approval of this run needs (the policy's {@code twoPersonRunbooks}), and
   * whether {@code step} is pre-approved for {@code target}: -1 when it is (no person decides), else the count.
   * Loads the policy if no approval was asked yet.
   */
  public int approvalsNeeded(String step, String target) {
    ApprovalPolicy p = policy();
    boolean pre = p.preApprovals().stream().anyMatch(a -> a.step().equals(step)
        && ("*".equals(a.target()) || Objects.equals(a.target(), target)));
    return pre ? -1 : p.approvalsNeeded();
  }

  private ApprovalPolicy policy() {
    if (policy == null) {
      ApprovalPolicy p = policyLoader.get();
      policy = new ApprovalPolicy(p.approvers() == null ? Map.of() : p.approvers(),
          p.allowedRoles() == null || p.allowedRoles().isEmpty() ? List.of("approver") : p.allowedRoles(),
          Math.max(1, p.approvalsNeeded()), p.timeoutSeconds(),
          p.preApprovals() == null ? List.of() : p.preApprovals(), p.signatureRequired(), p.uiUrl(),
          p.reminders() == null ? ApprovalPolicy.DEFAULT_REMINDERS : p.reminders(), p.identityRoles());
      ballots.policy(policy);
    }
    return policy;
  }

  private String workflowId() {
    return Workflow.getInfo().getWorkflowId();
  }

  private String link() {
    WorkflowInfo info = Workflow.getInfo();
    return ApprovalText.link(policy.uiUrl(), info.getNamespace(), info.getWorkflowId(), info.getRunId());
  }
}
