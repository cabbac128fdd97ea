package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.common.UiLinks;
import io.pgrunbooks.workflows.common.PendingApproval;
import io.pgrunbooks.workflows.common.PendingApprovalText;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** What people see of a pending request: the progress entry, the commands, the notification. */
final class ApprovalText {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9:._/@=+-]+");

  private ApprovalText() {}

  static PendingApproval pending(Ballot b, ApprovalPolicy policy, String workflowId) {
    return new PendingApproval(b.id, b.request.action(), b.request.target(), b.request.evidence(),
        b.request.planDigest(), b.needed, List.copyOf(b.approvedBy), policy.allowedRoles(), b.deadline,
        howToApprove(policy.signatureRequired(), workflowId, b.id));
  }

  static List<String> howToApprove(boolean signed, String workflowId, String requestId) {
    String wf = shellQuote(workflowId);
    if (signed) {
      // The CLI and the Temporal UI cannot sign, so their votes would be refused: do not offer them.
      return List.of("# decisions on this runbook must be signed: approve on the approvals page or through the"
          + " REST API (request " + requestId + " of workflow " + workflowId + ")");
    }
    return List.of(
        "runbooks approve " + wf + " --request " + requestId + " --as <name>",
        "runbooks reject " + wf + " --request " + requestId + " --as <name> --comment '<why>'",
        "temporal workflow signal --workflow-id " + wf + " --name approve --input '{\"requestId\":\""
            + requestId + "\",\"approver\":\"<name>\"}'");
  }

  static String notificationText(String runbook, PendingApproval p) {
    return "*Approval needed* for " + runbook + "\n\n" + PendingApprovalText.markdown(p);
  }

  static String reminderText(String runbook, PendingApproval p, String percent, java.time.Duration left) {
    return "*Reminder: approval still needed* for " + runbook + " (" + percent + " of its time passed, "
        + words(left) + " left)\n\n" + PendingApprovalText.markdown(p);
  }

  /** "2h 5m", "40m", "30s": the time left, as people read it (to the nearest minute from a minute on). */
  static String words(java.time.Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    long minutes = Math.round(s / 60.0);
    long h = minutes / 60;
    long m = minutes % 60;
    return h == 0 ? m + "m" : m == 0 ? h + "h" : h + "h " + m + "m";
  }

  static String expiredText(String runbook, PendingApproval p, ApprovalOutcome outcome) {
    return "*Approval expired* for " + runbook + ": " + p.action() + (p.target() == null ? "" : " on " + p.target())
        + " was not done (" + outcome.comment() + ")";
  }

  static Map<String, String> notificationFields(PendingApproval p, String link) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("requestId", p.requestId());
    fields.put("action", p.action());
    fields.put("target", String.valueOf(p.target()));
    p.evidence().forEach(fields::putIfAbsent);
    fields.put("approvalsNeeded", String.valueOf(p.approvalsNeeded()));
    fields.put("roles", String.join(", ", p.roles()));
    fields.put("deadline", String.valueOf(p.deadline()));
    fields.put("howToApprove", String.join("\n", p.howToApprove()));
    if (link != null) {
      fields.put("link", link);
    }
    return fields;
  }

  /** Temporal UI page of the run, when the policy names the UI's address. */
  static String link(String uiUrl, String namespace, String workflowId, String runId) {
    if (uiUrl == null || uiUrl.isBlank()) {
      return null;
    }
    return UiLinks.run(uiUrl, namespace, workflowId) + "/" + runId + "/history";
  }

  /** What differs between the plan that was approved and the plan now: "rows: 1200 -> 1250". */
  static String changes(ApprovalRequest before, ApprovalRequest after) {
    StringBuilder diff = new StringBuilder();
    if (!before.action().equals(after.action())) {
      diff.append("action: ").append(before.action()).append(" -> ").append(after.action()).append("; ");
    }
    Set<String> keys = new LinkedHashSet<>(before.evidence().keySet());
    keys.addAll(after.evidence().keySet());
    for (String k : keys) {
      String a = before.evidence().get(k);
      String b = after.evidence().get(k);
      if (!Objects.equals(a, b)) {
        diff.append(k).append(": ").append(a).append(" -> ").append(b).append("; ");
      }
    }
    return diff.length() > 0 ? diff.substring(0, diff.length() - 2)
        : "plan digest " + abbrev(before.planDigest()) + " -> " + abbrev(after.planDigest());
  }

  private static String abbrev(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) : digest;
  }

  private static String shellQuote(String s) {
    return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
