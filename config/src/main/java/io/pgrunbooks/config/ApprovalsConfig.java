package io.pgrunbooks.config;

import java.time.Duration;
import java.util.List;

/**
 * Who may approve destructive steps and how.
 *
 * @param defaultTimeout how long a run waits for an approval before it times out safely (default 24h)
 * @param twoPersonRunbooks workflow types whose approvals need two different approvers
 * @param preApprovals steps that run without waiting, for the given target only
 * @param signedRunbooks workflow types whose approvals must be signed
 */
public record ApprovalsConfig(
    Duration defaultTimeout,
    List<ApproverConfig> approvers,
    List<String> twoPersonRunbooks,
    List<PreApprovalConfig> preApprovals,
    List<String> signedRunbooks) {

  public ApprovalsConfig {
    defaultTimeout = defaultTimeout == null ? Duration.ofHours(24) : defaultTimeout;
    approvers = Copies.list(approvers);
    twoPersonRunbooks = Copies.list(twoPersonRunbooks);
    preApprovals = Copies.list(preApprovals);
    signedRunbooks = Copies.list(signedRunbooks);
  }

  public static ApprovalsConfig defaults() {
    return new ApprovalsConfig(null, null, null, null, null);
  }

  /** The approver with this name, or null. */
  public ApproverConfig approver(String name) {
    return approvers.stream().filter(a -> a != null && a.name() != null && a.name().equals(name)).findFirst().orElse(null);
  }
}
