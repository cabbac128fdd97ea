package io.pgrunbooks.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.client.RunFilters;
import io.pgrunbooks.client.RunViews;
import io.pgrunbooks.workflows.approval.ApprovalSignatures;
import io.pgrunbooks.workflows.common.UiLinks;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import com.google.protobuf.ByteString;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowStub;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The API's view of Temporal: one client, the namespace and UI links, and the reads several resources share. */
public final class RunService {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  private final WorkflowClient client;
  private final String namespace;
  private final String uiUrl;
  private final byte[] signingKey;
  private final String oidcIssuer;

  public RunService(WorkflowClient client, RunbooksConfig config, Map<String, String> env) {
    this.client = client;
    this.namespace = config.temporal().namespace();
    this.uiUrl = config.temporal().uiUrl();
    this.signingKey = config.approvals().signingKey(env);
    this.oidcIssuer = config.api().oidc() == null ? null : config.api().oidc().issuer();
  }

  /**
   * Who vouches for the roles of a user, as signed with its decisions: {@code oidc <issuer>} for a user signed in
   * through the provider (it has a subject), {@code basic} for a user of {@code api.users}.
   */
  public String identitySource(boolean signedInThroughProvider) {
    return signedInThroughProvider && oidcIssuer != null ? ApprovalSignatures.oidcSource(oidcIssuer)
        : ApprovalSignatures.BASIC_SOURCE;
  }

  public WorkflowClient client() {
    return client;
  }

  /** The approval signing key, or null when the config has none. */
  public byte[] signingKey() {
    return signingKey;
  }

  public String uiLink(String workflowId) {
    return UiLinks.run(uiUrl, namespace, workflowId);
  }

  /** {@link RunViews#view} of the latest run of {@code workflowId}. */
  public ObjectNode view(String workflowId) {
    return RunViews.view(client, workflowId, uiLink(workflowId));
  }

  /** One page of runs: the list rows and Temporal's token for the next page (null on the last). */
  public record RunPage(ArrayNode rows, byte[] nextPageToken) {}

  /**
   * Runs matching a visibility query, newest first, one page of at most {@code limit} rows after
   * {@code pageToken} (null: the first page). Temporal pages the listing itself, so a page costs one call
   * however many runs match.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for a token Temporal did not hand out
   */
  public RunPage listPage(String query, int limit, byte[] pageToken) {
    ListWorkflowExecutionsRequest.Builder request = ListWorkflowExecutionsRequest.newBuilder()
        .setNamespace(namespace).setQuery(query).setPageSize(limit);
    if (pageToken != null) {
      request.setNextPageToken(ByteString.copyFrom(pageToken));
    }
    ListWorkflowExecutionsResponse response = client.getWorkflowServiceStubs().blockingStub()
        .withDeadlineAfter(30, TimeUnit.SECONDS).listWorkflowExecutions(request.build());
    ArrayNode array = JSON.createArrayNode();
    for (WorkflowExecutionInfo info : response.getExecutionsList()) {
      row(array.addObject(), new WorkflowExecutionMetadata(info, client.getOptions().getDataConverter()));
    }
    byte[] next = response.getNextPageToken().isEmpty() ? null : response.getNextPageToken().toByteArray();
    return new RunPage(array, next);
  }

  /** Runs matching a visibility query, newest first, as list rows. */
  public ArrayNode list(String query, int limit) {
    ArrayNode array = JSON.createArrayNode();
    for (WorkflowExecutionMetadata m : client.listExecutions(query).limit(limit).toList()) {
      row(array.addObject(), m);
    }
    return array;
  }

  private void row(ObjectNode o, WorkflowExecutionMetadata m) {
    String id = m.getExecution().getWorkflowId();
    o.put("workflowId", id);
    o.put("runId", m.getExecution().getRunId());
    o.put("type", RunFilters.type(m));
    o.put("cluster", RunFilters.attr(m, SearchAttributes.CLUSTER));
    o.put("target", RunFilters.attr(m, SearchAttributes.TARGET));
    o.put("state", RunFilters.state(m));
    o.put("temporalStatus", RunFilters.temporalStatus(m));
    o.put("startTime", String.valueOf(m.getStartTime()));
    o.put("closeTime", m.getCloseTime() == null ? null : m.getCloseTime().toString());
    o.put("uiUrl", uiLink(id));
  }

  /** The visibility query of running runs that wait for an approval. */
  public static String awaitingApprovalQuery() {
    return RunFilters.query(null, null, RunbookState.AWAITING_APPROVAL.name()) + " AND ExecutionStatus = 'Running'";
  }

  /**
   * When each worker polling {@code taskQueue} for workflow tasks last polled, as Temporal's DescribeTaskQueue
   * reports them (it remembers a poller for a few minutes after its last poll).
   */
  public List<java.time.Instant> workflowPollers(String taskQueue) {
    DescribeTaskQueueResponse r = client.getWorkflowServiceStubs().blockingStub()
        .withDeadlineAfter(10, TimeUnit.SECONDS).describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace(namespace).setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).build());
    return r.getPollersList().stream().map(p -> java.time.Instant.ofEpochSecond(p.getLastAccessTime().getSeconds(),
        p.getLastAccessTime().getNanos())).toList();
  }

  /** Every pending approval of every run waiting for one, each with its run's id, type, summary and link. */
  public ArrayNode pendingApprovals() {
    ArrayNode out = JSON.createArrayNode();
    for (WorkflowExecutionMetadata m : client.listExecutions(awaitingApprovalQuery()).limit(200).toList()) {
      String id = m.getExecution().getWorkflowId();
      JsonNode progress;
      try {
        WorkflowStub stub = client.newUntypedWorkflowStub(id, Optional.of(m.getExecution().getRunId()),
            Optional.of(m.getWorkflowType()));
        progress = stub.query("progress", JsonNode.class);
      } catch (WorkflowException e) {
        continue; // closed since the listing, or no worker answering: it shows up again on the next read
      }
      for (JsonNode p : progress.path("pendingApprovals")) {
        ObjectNode a = ((ObjectNode) p).deepCopy();
        a.put("workflowId", id);
        a.put("runId", m.getExecution().getRunId());
        a.put("runbook", RunFilters.type(m));
        a.put("cluster", RunFilters.attr(m, SearchAttributes.CLUSTER));
        a.put("uiUrl", uiLink(id));
        out.add(a);
      }
    }
    return out;
  }

  /** A closed, completed run and its result. */
  public record Completed(String workflowId, String runId, JsonNode result) {}

  /** Results of the newest completed runs of a type (on a cluster when given), newest first. */
  public List<Completed> completedResults(String type, String cluster, int limit) {
    RunFilters.query(type, cluster, null); // refuses unknown types and unsafe cluster names
    // By WorkflowType, not RunbookType: a run that failed before it set its search attributes has none.
    String query = "WorkflowType = '" + type + "' AND ExecutionStatus = 'Completed'"
        + (cluster == null ? "" : " AND " + SearchAttributes.CLUSTER.getName() + " = '" + cluster + "'");
    return client.listExecutions(query).limit(limit).map(m -> {
      try {
        JsonNode result = client.newUntypedWorkflowStub(m.getExecution().getWorkflowId(),
            Optional.of(m.getExecution().getRunId()), Optional.of(m.getWorkflowType()))
            .getResult(5, TimeUnit.SECONDS, JsonNode.class);
        return result == null ? null
            : new Completed(m.getExecution().getWorkflowId(), m.getExecution().getRunId(), result);
      } catch (Exception e) {
        return null;
      }
    }).filter(r -> r != null).toList();
  }
}
