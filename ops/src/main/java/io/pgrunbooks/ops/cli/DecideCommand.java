package io.pgrunbooks.ops.cli;

import io.pgrunbooks.client.DecisionRefused;
import io.pgrunbooks.client.Decisions;
import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.config.ApprovalsConfig;
import io.pgrunbooks.workflows.approval.Decision;
import io.pgrunbooks.workflows.approval.DecisionResult;
import io.temporal.client.WorkflowStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code runbooks approve|reject}: one vote through the validated {@code decide} update, so the
 * caller learns at once when the run refuses it (unknown or already decided request, same approver
 * twice, self-approval, role not allowed) instead of a signal being silently ignored.
 */
abstract class DecideCommand extends TemporalCommand {
  @Parameters(index = "0", paramLabel = "<workflowId>")
  String workflowId;

  @Option(names = "--request", paramLabel = "<requestId>",
      description = "The approval request (may be omitted when exactly one is pending).")
  String requestId;

  @Option(names = "--as", paramLabel = "<name>", required = true, description = "Who decides (the approver).")
  String approver;

  @Option(names = "--comment", description = "Why; recorded in the run's report.")
  String comment;

  @Option(names = "--sign-key-env", paramLabel = "<VAR>",
      description = "Sign the decision with the approval signing key held in this environment variable (its "
          + "UTF-8 bytes, or hex digits after 'hex:', as in the config's approvals.signingKeyEnv); needed by "
          + "runbooks configured for signed approvals. The signature binds run, request, approver, decision and "
          + "the request's plan digest.")
  String signKeyEnv;

  /** Where {@code --sign-key-env} is looked up; tests replace it. */
  Map<String, String> environment = System.getenv();

  private byte[] signingKey;

  abstract boolean approve();

  @Override
  void validate() {
    if (approver.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "--as must name the approver");
    }
    if (!approve() && (comment == null || comment.isBlank())) {
      throw new CliFailure(ExitCodes.USAGE, "reject needs --comment saying why (it goes into the run's report)");
    }
    if (signKeyEnv != null) {
      try {
        signingKey = new ApprovalsConfig(null, null, null, null, null, null, null, signKeyEnv, null, false)
            .signingKey(environment);
      } catch (RuntimeException e) {
        // The config's messages name the variable, never the value.
        throw new CliFailure(ExitCodes.USAGE, "--sign-key-env: " + e.getMessage());
      }
    }
  }

  @Override
  int run(TemporalSession session) {
    WorkflowStub stub = signingKey == null ? session.client.newUntypedWorkflowStub(workflowId)
        : Decisions.currentRun(session.client, workflowId);
    JsonNode pendingRequest = requestId == null ? onlyPendingRequest(stub)
        : signingKey != null ? pendingRequest(stub, requestId) : null;
    String request = requestId != null ? requestId : pendingRequest.path("requestId").asText();
    String signature = signingKey == null ? null
        : Decisions.sign(signingKey, stub, pendingRequest, approver, approve());
    DecisionResult result;
    try {
      result = Decisions.decide(stub, new Decision(request, approver, approve(), comment, signature));
    } catch (DecisionRefused e) {
      err().println((approve() ? "approval" : "rejection") + " of " + request + " on " + workflowId + " refused: "
          + e.getMessage());
      return ExitCodes.FAILED;
    }
    String verb = approve() ? "approved" : "rejected";
    out().println(verb + " " + request + " on " + workflowId + " as " + approver
        + (signature == null ? "" : " (signed)"));
    if (result != null) {
      out().println("  outcome: " + Text.orDash(result.outcome()));
      if (result.message() != null) {
        out().println("  " + result.message());
      }
    }
    out().println("follow it with: runbooks status " + Shell.quote(workflowId) + temporal.connectionArgs());
    return ExitCodes.OK;
  }

  /** The pending request {@code id} as the progress query shows it; refuses (exit 3) when it is not pending. */
  private JsonNode pendingRequest(WorkflowStub stub, String id) {
    try {
      return Decisions.pendingRequest(stub, workflowId, id);
    } catch (DecisionRefused e) {
      throw new CliFailure(ExitCodes.NOT_FOUND, e.getMessage());
    }
  }

  /** The one pending request, said out loud; refuses when none or several are pending. */
  private JsonNode onlyPendingRequest(WorkflowStub stub) {
    JsonNode progress = stub.query("progress", JsonNode.class);
    JsonNode pending = progress == null ? null : progress.get("pendingApprovals");
    if (pending == null || pending.isEmpty()) {
      throw new CliFailure(ExitCodes.NOT_FOUND, "no approval is pending on " + workflowId
          + (progress == null ? "" : " (state " + progress.path("state").asText() + ")"));
    }
    if (pending.size() > 1) {
      List<String> lines = new ArrayList<>();
      for (JsonNode p : pending) {
        lines.add("  --request " + Shell.quote(p.path("requestId").asText()) + "   " + p.path("action").asText());
      }
      throw new CliFailure(ExitCodes.USAGE, pending.size() + " approvals are pending on " + workflowId
          + "; say which one with --request:\n" + String.join("\n", lines));
    }
    JsonNode only = pending.get(0);
    String id = only.path("requestId").asText();
    out().println("using request " + id + " (" + only.path("action").asText()
        + "), the only approval pending on " + workflowId);
    return only;
  }
}
