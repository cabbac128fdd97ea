package io.pgrunbooks.workflows.approval;

import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.Notification;
import io.pgrunbooks.workflows.activities.NotifyActivities;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Plain-Java stand-ins for the worker's approval, notification and database activities. */
final class Fakes {
  static final byte[] KEY = "test-signing-key".getBytes(StandardCharsets.UTF_8);
  static final byte[] WRONG_KEY = "not-the-key".getBytes(StandardCharsets.UTF_8);

  private Fakes() {}

  /** alice, bob, carol and dave approve; victor only views. */
  static ApprovalPolicy policy(int approvalsNeeded, List<PreApproval> preApprovals, boolean signed) {
    Map<String, List<String>> approvers = new LinkedHashMap<>();
    approvers.put("alice", List.of("approver"));
    approvers.put("bob", List.of("dba", "approver"));
    approvers.put("carol", List.of("approver"));
    approvers.put("dave", List.of("approver"));
    approvers.put("victor", List.of("viewer"));
    return new ApprovalPolicy(approvers, List.of("approver"), approvalsNeeded, 24 * 3600, preApprovals, signed,
        "http://localhost:8233");
  }

  /**
   * A signed policy that trusts identity roles ({@code approvals.identityRoles}); only alice is listed, as an
   * approver, and victor as a viewer: everyone else comes with the roles the API signed.
   */
  static ApprovalPolicy identityPolicy(int approvalsNeeded, List<String> allowedRoles) {
    Map<String, List<String>> approvers = new LinkedHashMap<>();
    approvers.put("alice", List.of("approver"));
    approvers.put("victor", List.of("viewer"));
    return new ApprovalPolicy(approvers, allowedRoles, approvalsNeeded, 24 * 3600, List.of(), true,
        "http://localhost:8233", null, true);
  }

  static final class Approvals implements ApprovalActivities {
    volatile ApprovalPolicy policy = policy(1, List.of(), false);
    final List<ApprovalPolicyInput> policyCalls = new CopyOnWriteArrayList<>();
    final List<VerifySignatureInput> verified = new CopyOnWriteArrayList<>();

    @Override
    public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
      policyCalls.add(input);
      return policy;
    }

    @Override
    public boolean verifySignature(VerifySignatureInput in) {
      verified.add(in);
      return in.approverRoles() != null
          ? ApprovalSignatures.verifyWithRoles(KEY, in.workflowId(), in.runId(), in.requestId(), in.approver(),
              in.decision(), in.planDigest(), in.identitySource(), in.approverRoles(), in.signature())
          : ApprovalSignatures.verify(KEY, in.workflowId(), in.runId(), in.requestId(), in.approver(),
              in.decision(), in.planDigest(), in.signature());
    }
  }

  static final class Notify implements NotifyActivities {
    final List<Notification> sent = new CopyOnWriteArrayList<>();
    /** When each sent notification was scheduled, in workflow time. */
    final List<java.time.Instant> scheduled = new CopyOnWriteArrayList<>();
    volatile int attempts;
    volatile boolean failing;

    @Override
    public void notify(Notification notification) {
      attempts++;
      if (failing) {
        throw ApplicationFailure.newFailure("webhook answered 500", "WebhookFailed");
      }
      scheduled.add(java.time.Instant.ofEpochMilli(
          io.temporal.activity.Activity.getExecutionContext().getInfo().getScheduledTimestamp()));
      sent.add(notification);
    }

    List<String> events() {
      return sent.stream().map(Notification::event).toList();
    }
  }

  /** Remembers each report a run wrote (every attempt), or fails while {@link #failing}. */
  static final class Reports implements io.pgrunbooks.workflows.activities.ReportActivities {
    final List<io.pgrunbooks.workflows.activities.AuditReport> written = new CopyOnWriteArrayList<>();
    volatile int attempts;
    volatile boolean failing;

    @Override
    public String writeReport(io.pgrunbooks.workflows.activities.AuditReport report) {
      attempts++;
      if (failing) {
        throw ApplicationFailure.newFailure("bucket answered 503", "S3Unavailable");
      }
      written.add(report);
      return io.pgrunbooks.workflows.activities.ReportLayout.key("reports/", report);
    }
  }

  /** Row counts come from {@link #rows} in turn, the last one repeating; calls are remembered. */
  static final class Partition implements PartitionTestActivities {
    volatile List<Long> rows = List.of(1200L);
    final List<String> calls = new CopyOnWriteArrayList<>();
    private int counted;

    @Override
    public synchronized long rowCount(String partition) {
      return rows.get(Math.min(counted++, rows.size() - 1));
    }

    @Override
    public void detach(String partition) {
      calls.add("detach " + partition);
    }

    @Override
    public void reattach(String partition) {
      calls.add("reattach " + partition);
    }

    @Override
    public void drop(String partition, String planDigest) {
      calls.add("drop " + partition + " " + planDigest);
    }
  }
}
