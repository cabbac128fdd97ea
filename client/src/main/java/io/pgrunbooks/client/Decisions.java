package io.pgrunbooks.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.workflows.approval.ApprovalSignatures;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.util.Collection;
import java.util.Optional;

/**
 * One vote through the validated {@code decide} update (CLI {@code approve/reject}, API
 * {@code POST /runs/{id}/approvals/{requestId}}), signed when a signing key is given.
 */
public final class Decisions {
  private Decisions() {}

  /**
   * The pending request {@code requestId} as the {@code progress} query shows it.
   *
   * @throws DecisionRefused (not pending) when the run has no such pending request
   */
  public static JsonNode pendingRequest(WorkflowStub stub, String workflowId, String requestId) {
    JsonNode progress = stub.query("progress", JsonNode.class);
    if (progress != null) {
      for (JsonNode p : progress.path("pendingApprovals")) {
        if (requestId.equals(p.path("requestId").asText())) {
          return p;
        }
      }
    }
    throw new DecisionRefused("request " + requestId + " is not pending on " + workflowId
        + (progress == null ? "" : " (state " + progress.path("state").asText() + ")"), true);
  }

  /**
   * A stub bound to the current run of {@code workflowId}: the query, the signature and the update
   * then all name the same run, and a vote meant for this run never lands in a later one.
   */
  public static WorkflowStub currentRun(WorkflowClient client, String workflowId) {
    String runId = client.newUntypedWorkflowStub(workflowId).describe().getExecution().getRunId();
    return client.newUntypedWorkflowStub(workflowId, Optional.of(runId), Optional.empty());
  }

  /**
   * The signature binding workflow id, run id (of {@code stub}, which must be bound to a run, see
   * {@link #currentRun}), request, approver, decision and the pending request's plan digest.
   */
  public static String sign(byte[] key, WorkflowStub stub, JsonNode pendingRequest, String approver,
                            boolean approve) {
    WorkflowExecution run = boundRun(stub);
    return ApprovalSignatures.sign(key, run.getWorkflowId(), run.getRunId(), pendingRequest.path("requestId").asText(),
        approver, decision(approve), digest(pendingRequest));
  }

  /**
   * {@link #sign}, in the v3 format that also binds the approver's {@code roles} as the API granted them and the
   * {@code identitySource} that vouched for them ({@link ApprovalSignatures#signWithRoles}).
   */
  public static String signWithRoles(byte[] key, WorkflowStub stub, JsonNode pendingRequest, String approver,
                                     boolean approve, String identitySource, Collection<String> roles) {
    WorkflowExecution run = boundRun(stub);
    return ApprovalSignatures.signWithRoles(key, run.getWorkflowId(), run.getRunId(),
        pendingRequest.path("requestId").asText(), approver, decision(approve), digest(pendingRequest),
        identitySource, roles);
  }

  private static WorkflowExecution boundRun(WorkflowStub stub) {
    WorkflowExecution run = stub.getExecution();
    if (run == null || run.getRunId().isEmpty()) {
      throw new IllegalStateException("a signed decision needs a stub bound to one run (Decisions.currentRun)");
    }
    return run;
  }

  private static String decision(boolean approve) {
    return approve ? ApprovalSignatures.APPROVE : ApprovalSignatures.REJECT;
  }

  private static String digest(JsonNode pendingRequest) {
    JsonNode digest = pendingRequest.get("planDigest");
    return digest == null || digest.isNull() ? null : digest.asText();
  }

  /**
   * Sends the vote.
   *
   * @throws DecisionRefused with the run's reason when the update's validator refuses it
   */
  public static DecisionResult decide(WorkflowStub stub, Decision decision) {
    try {
      return stub.update("decide", DecisionResult.class, decision);
    } catch (WorkflowUpdateException e) {
      throw new DecisionRefused(PlainWords.failure(e.getCause() != null ? e.getCause() : e), false);
    }
  }
}
