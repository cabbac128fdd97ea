package io.pgrunbooks.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowStub;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One run as people see it (CLI {@code status}, API {@code GET /runs/{id}}): Temporal's description plus progress or report. */
public final class RunViews {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private RunViews() {}

  /**
   * Everything known about the latest run of {@code id}: workflowId, runId, type, temporalStatus,
   * summary, startTime, closeTime, uiUrl, state, currentStep, steps, pendingApprovals, approvals (decisions
   * taken so far), log, report,
   * result (the whole result of a closed run), failure, and progressError when the query could not be
   * answered.
   *
   * @throws io.temporal.client.WorkflowNotFoundException when there is no such workflow
   */
  public static ObjectNode view(WorkflowClient client, String id, String uiUrl) {
    WorkflowStub latest = client.newUntypedWorkflowStub(id);
    WorkflowExecutionDescription d = latest.describe();
    String runId = d.getExecution().getRunId();
    boolean running = d.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

    ObjectNode v = JSON.createObjectNode();
    v.put("workflowId", id);
    v.put("runId", runId);
    v.put("type", d.getWorkflowType());
    v.put("temporalStatus", d.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", ""));
    v.put("summary", d.getStaticSummary());
    v.put("startTime", String.valueOf(d.getStartTime()));
    v.put("closeTime", d.getCloseTime() == null ? null : d.getCloseTime().toString());
    v.put("uiUrl", uiUrl);
    v.putNull("state");
    v.putNull("currentStep");
    v.set("steps", JSON.createArrayNode());
    v.set("pendingApprovals", JSON.createArrayNode());
    v.set("approvals", JSON.createArrayNode());
    v.set("log", JSON.createArrayNode());
    v.set("report", NullNode.getInstance());
    v.set("result", NullNode.getInstance());
    v.putNull("failure");

    WorkflowStub run = client.newUntypedWorkflowStub(id, Optional.of(runId), Optional.of(d.getWorkflowType()));
    if (running) {
      try {
        JsonNode progress = run.query("progress", JsonNode.class);
        if (progress != null) {
          v.set("state", progress.path("state"));
          v.set("currentStep", progress.path("currentStep"));
          v.set("steps", array(progress.get("steps")));
          v.set("pendingApprovals", array(progress.get("pendingApprovals")));
          v.set("approvals", array(progress.get("approvals")));
          v.set("log", array(progress.get("log")));
        }
      } catch (WorkflowException e) {
        v.put("state", "RUNNING");
        v.put("progressError", "the progress query was not answered (is a worker running?): "
            + PlainWords.failure(e));
      }
      return v;
    }
    try {
      JsonNode result = run.getResult(10, TimeUnit.SECONDS, JsonNode.class);
      v.set("result", result == null ? NullNode.getInstance() : result);
      JsonNode report = result == null ? null : result.get("report");
      if (report != null && !report.isNull()) {
        v.set("report", report);
        v.set("state", report.path("outcome"));
        v.set("steps", array(report.get("steps")));
        v.set("approvals", array(report.get("approvals")));
        v.set("log", array(report.get("log")));
      } else {
        v.put("state", "COMPLETED");
      }
    } catch (WorkflowException e) {
      v.put("state", "FAILED");
      v.put("failure", PlainWords.failure(e));
    } catch (TimeoutException e) {
      v.put("failure", "the result could not be read within 10 s");
    }
    return v;
  }

  private static ArrayNode array(JsonNode node) {
    return node instanceof ArrayNode a ? a : JSON.createArrayNode();
  }
}
