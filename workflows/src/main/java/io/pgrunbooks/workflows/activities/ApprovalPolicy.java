package io.pgrunbooks.workflows.activities;

import java.util.List;
import java.util.Map;

/**
 * Who may approve a runbook's destructive steps, as the worker's config says (section
 * {@code approvals}). No secret: the signing key itself never leaves the worker.
 *
 * @param approvers approver name to roles
 * @param allowedRoles an approver needs one of these roles (default {@code [approver]})
 * @param approvalsNeeded distinct approvers needed per request: 1, or 2 for two-person runbooks
 * @param timeoutSeconds how long a request waits before it times out (config default 24 h, per-runbook override)
 * @param preApprovals steps the config approves in advance for this runbook and target
 * @param signatureRequired decisions must carry a valid API signature (signals without one are ignored)
 * @param uiUrl Temporal UI base URL, for links in notifications and current details
 * @param reminders fractions of the timeout at which a pending request is reminded of (config
 *     {@code notifications.reminders}); null in policies recorded before reminders: then 0.5 and 0.9
 * @param identityRoles an approver not in {@code approvers} may decide with the roles the API signed with the
 *     decision (config {@code approvals.identityRoles}, only on signed runbooks); false in policies recorded before it
 */
public record ApprovalPolicy(
    Map<String, List<String>> approvers,
    List<String> allowedRoles,
    int approvalsNeeded,
    long timeoutSeconds,
    List<PreApproval> preApprovals,
    boolean signatureRequired,
    String uiUrl,
    List<Double> reminders,
    boolean identityRoles) {

  /** The reminders used when the policy names none. */
  public static final List<Double> DEFAULT_REMINDERS = List.of(0.5, 0.9);

  /** A policy without identity roles. */
  public ApprovalPolicy(Map<String, List<String>> approvers, List<String> allowedRoles, int approvalsNeeded,
                        long timeoutSeconds, List<PreApproval> preApprovals, boolean signatureRequired, String uiUrl,
                        List<Double> reminders) {
    this(approvers, allowedRoles, approvalsNeeded, timeoutSeconds, preApprovals, signatureRequired, uiUrl, reminders,
        false);
  }

  /** A policy with the default reminders. */
  public ApprovalPolicy(Map<String, List<String>> approvers, List<String> allowedRoles, int approvalsNeeded,
                        long timeoutSeconds, List<PreApproval> preApprovals, boolean signatureRequired, String uiUrl) {
    this(approvers, allowedRoles, approvalsNeeded, timeoutSeconds, preApprovals, signatureRequired, uiUrl, null);
  }

  /**
   * A step approved in advance by config.
   *
   * @param step the gate's step name ("drop-partition"); target "*" matches any target of the runbook
   * @param configPath where it is written, for the report ("approvals.preApprovals[0]")
   */
  public record PreApproval(String step, String target, String configPath) {}
}
