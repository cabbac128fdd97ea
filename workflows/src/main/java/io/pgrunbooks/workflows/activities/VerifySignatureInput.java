package io.pgrunbooks.workflows.activities;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Input of {@link ApprovalActivities#verifySignature}: the decision exactly as signed.
 *
 * @param runId the run the vote arrived in; a signature for another run of the same workflow id fails
 * @param decision APPROVE or REJECT
 * @param approverRoles the roles signed with the decision (v3 signature); null for a v2 signature
 * @param identitySource who vouched for those roles, as signed; null for a v2 signature
 */
public record VerifySignatureInput(String workflowId, String runId, String requestId, String approver,
                                   String decision, String planDigest, String signature,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) List<String> approverRoles,
                                   @JsonInclude(JsonInclude.Include.NON_NULL) String identitySource) {
  /** A decision signed without roles (v2). */
  public VerifySignatureInput(String workflowId, String runId, String requestId, String approver, String decision,
                              String planDigest, String signature) {
    this(workflowId, runId, requestId, approver, decision, planDigest, signature, null, null);
  }
}
