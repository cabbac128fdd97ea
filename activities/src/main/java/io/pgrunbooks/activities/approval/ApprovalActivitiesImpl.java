package io.pgrunbooks.activities.approval;

import io.pgrunbooks.activities.Lookups;
import io.pgrunbooks.config.ApprovalsConfig;
import io.pgrunbooks.config.ApproverConfig;
import io.pgrunbooks.config.PreApprovalConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.ApprovalActivities;
import io.pgrunbooks.workflows.activities.ApprovalPolicy;
import io.pgrunbooks.workflows.activities.ApprovalPolicy.PreApproval;
import io.pgrunbooks.workflows.activities.ApprovalPolicyInput;
import io.pgrunbooks.workflows.activities.VerifySignatureInput;
import io.pgrunbooks.workflows.approval.ApprovalSignatures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ApprovalActivities} from the worker's loaded (and already validated) {@code approvals} config. */
public class ApprovalActivitiesImpl implements ApprovalActivities {
  private static final Logger log = LoggerFactory.getLogger(ApprovalActivitiesImpl.class);

  private final RunbooksConfig config;
  private final Map<String, String> env;

  public ApprovalActivitiesImpl(RunbooksConfig config) {
    this(config, System.getenv());
  }

  /** With the environment the signing key is read from (tests pass their own). */
  public ApprovalActivitiesImpl(RunbooksConfig config, Map<String, String> env) {
    this.config = config;
    this.env = env;
  }

  @Override
  public ApprovalPolicy approvalPolicy(ApprovalPolicyInput input) {
    String runbook = input == null ? null : input.runbook();
    // The name comes from the workflow's own constant, not from user input; a runbook the config
    // does not mention simply gets the defaults (config keys themselves are checked at load).
    if (runbook == null || runbook.isBlank()) {
      throw Lookups.badInput("an approval policy needs the runbook type");
    }
    ApprovalsConfig a = config.approvals();
    Map<String, List<String>> approvers = new LinkedHashMap<>();
    for (ApproverConfig ap : a.approvers()) {
      if (ap != null && ap.name() != null) {
        approvers.put(ap.name(), List.copyOf(ap.roles()));
      }
    }
    // The index in the path is the entry's position in the file, so the report can point at it.
    List<PreApproval> preApprovals = new ArrayList<>();
    for (int i = 0; i < a.preApprovals().size(); i++) {
      PreApprovalConfig pre = a.preApprovals().get(i);
      // Cluster and database are part of the match: an entry for main/app never covers another scope.
      if (pre != null && pre.matches(runbook, input.cluster(), input.database(), input.target())) {
        preApprovals.add(new PreApproval(pre.step(), pre.target(), "approvals.preApprovals[" + i + "]"));
      }
    }
    return new ApprovalPolicy(
        approvers,
        List.copyOf(a.allowedRoles(runbook)),
        a.twoPersonRunbooks().contains(runbook) ? 2 : 1,
        Math.max(1, a.timeout(runbook).toSeconds()),
        List.copyOf(preApprovals),
        a.signedRunbooks().contains(runbook),
        config.temporal().uiUrl(),
        config.notifications().reminders(),
        a.identityRoles(runbook));
  }

  @Override
  public boolean verifySignature(VerifySignatureInput input) {
    if (input == null) {
      throw Lookups.badInput("a decision to verify is required");
    }
    // Read at call time: a rotated key file takes effect without restarting the worker.
    byte[] key = signingKey();
    // A decision with roles was signed in the v3 format, which binds them; one without keeps v2.
    boolean withRoles = input.approverRoles() != null;
    boolean valid = withRoles
        ? ApprovalSignatures.verifyWithRoles(key, input.workflowId(), input.runId(), input.requestId(),
            input.approver(), input.decision(), input.planDigest(), input.identitySource(), input.approverRoles(),
            input.signature())
        : ApprovalSignatures.verify(key, input.workflowId(), input.runId(), input.requestId(),
            input.approver(), input.decision(), input.planDigest(), input.signature());
    String why = valid ? "valid"
        : ApprovalSignatures.isUnboundSignature(key, input.workflowId(), input.requestId(), input.approver(),
            input.decision(), input.planDigest(), input.signature())
            ? "INVALID (old signature format without the run id: upgrade the signing CLI/API)" : "INVALID";
    log.info("approval signature of {} by {}{} on {} run {} request {}: {}", input.decision(), input.approver(),
        withRoles ? " with roles " + input.approverRoles() + " from " + input.identitySource() : "",
        input.workflowId(), input.runId(), input.requestId(), why);
    return valid;
  }

  private byte[] signingKey() {
    byte[] key;
    try {
      key = config.approvals().signingKey(env);
    } catch (IllegalStateException e) {
      // The message names the variable or file, never the value.
      throw Lookups.config(e.getMessage() + "; the worker needs the same key the REST API signs approvals with");
    }
    if (key == null) {
      throw Lookups.config("signed approvals cannot be verified: no signing key is configured; set"
          + " approvals.signingKeyEnv: <ENV_VAR_NAME> (or approvals.signingKeyFile: <path>) in the worker's config,"
          + " holding the same key the REST API signs approvals with");
    }
    return key;
  }
}
