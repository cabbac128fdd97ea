package io.pgrunbooks.workflows.common;

import java.util.Map;

/** Markdown of a pending approval, the same in the Temporal UI's current details and in notifications. */
public final class PendingApprovalText {
  private PendingApprovalText() {}

  public static String markdown(PendingApproval p) {
    StringBuilder md = new StringBuilder();
    md.append("**Waiting for approval** `").append(p.requestId()).append("`: ").append(p.action());
    if (p.target() != null) {
      md.append(" on `").append(p.target()).append('`');
    }
    md.append("\n\n");
    for (Map.Entry<String, String> e : p.evidence().entrySet()) {
      md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    md.append("\nApprovals: ").append(p.approvedBy().size()).append(" of ").append(p.approvalsNeeded())
        .append(" (role: ").append(String.join(" or ", p.roles())).append(')');
    if (!p.approvedBy().isEmpty()) {
      md.append(", approved by ").append(String.join(", ", p.approvedBy()));
    }
    md.append("  \nDeadline: ").append(p.deadline()).append("  \nPlan digest: `").append(p.planDigest())
        .append("`\n\nTo approve:\n```\n");
    p.howToApprove().forEach(line -> md.append(line).append('\n'));
    return md.append("```\n").toString();
  }
}
