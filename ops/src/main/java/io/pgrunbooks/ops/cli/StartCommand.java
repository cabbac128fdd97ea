package io.pgrunbooks.ops.cli;

import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.client.PlainWords;
import io.pgrunbooks.client.RunConflict;
import io.pgrunbooks.client.RunStarts;
import io.pgrunbooks.client.RunbookCatalog;
import io.pgrunbooks.client.RunbookTargets;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.registry.InputErrors;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runbooks start}: starts a runbook on the central task queue, optionally waits for its report. */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {
        "Start a runbook on task queue pg-runbooks.",
        "The workflow id defaults to the contract's by-hand id computed from the input "
            + "(health-check:<cluster>, partition-maintenance:<cluster>:<database>, ...), so a second run on the "
            + "same target is refused while the first one runs.",
        "Example: runbooks start HealthCheck --input '{\"cluster\": \"main\"}' --as alice --wait"},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:started (with --wait: the run COMPLETED)",
        "1:the id is already running; with --wait: the run failed or ended REJECTED / TIMED_OUT",
        "2:bad usage or input: unknown workflow type, unparsable JSON, a missing required field",
        "3:namespace not found or Temporal unreachable"})
final class StartCommand extends TemporalCommand {
  private static final Set<String> UNSUCCESSFUL = Set.of(
      RunbookState.FAILED.name(), RunbookState.REJECTED.name(), RunbookState.TIMED_OUT.name());

  @Parameters(index = "0", paramLabel = "<WorkflowType>", completionCandidates = RunbookTypes.class,
      description = "One of: ${COMPLETION-CANDIDATES}.")
  String type;

  @Option(names = "--input", paramLabel = "<json>", defaultValue = "{}",
      description = "The input as a JSON object, e.g. '{\"cluster\": \"main\"}'.")
  String inputJson;

  @Option(names = "--id", paramLabel = "<workflowId>", description = "Workflow id (default: the by-hand id).")
  String workflowId;

  @Option(names = "--as", paramLabel = "<name>", description = "Who requests the run (sets \"requestedBy\").")
  String requestedBy;

  @Option(names = "--reason", description = "Why (sets \"reason\").")
  String reason;

  @Option(names = "--dry-run", description = "Plan only, change nothing (sets \"dryRun\": true).")
  boolean dryRun;

  @Option(names = "--wait", description = "Wait for the run to end, showing its progress as it changes (state, "
      + "current step, percent where the step reports one, pending approvals and how to approve), then its "
      + "report's outcome and summary; exits 1 when the run fails or ends REJECTED / TIMED_OUT.")
  boolean await;

  /** The runbook names of {@link Runbooks#ALL}, for picocli's help and completion. */
  static final class RunbookTypes implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Runbooks.types().iterator();
    }
  }

  /** How often --wait looks at the run's progress. */
  private static final Duration POLL = Duration.ofSeconds(2);

  private ObjectNode input;
  private String id;

  @Override
  void validate() {
    if (!Runbooks.types().contains(type)) {
      throw new CliFailure(ExitCodes.USAGE, "unknown workflow type \"" + type + "\"; valid types: "
          + String.join(", ", Runbooks.types()));
    }
    input = parseInput(inputJson);
    if (requestedBy != null) {
      input.put("requestedBy", requestedBy);
    }
    if (reason != null) {
      input.put("reason", reason);
    }
    if (dryRun) {
      input.put("dryRun", true);
    }
    try {
      RunbookCatalog.validate(type, input);
      id = workflowId != null ? workflowId : RunbookTargets.workflowId(type, input);
    } catch (InputProblem e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage().replace(" in its input", " in --input")
          .replace("in the input or an explicit workflow id", "in --input or an explicit --id"));
    }
    if (id.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "--id must not be blank");
    }
  }

  static ObjectNode parseInput(String json) {
    JsonNode node;
    try {
      node = DataConverters.objectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new CliFailure(ExitCodes.USAGE, InputErrors.malformed("--input", e));
    }
    if (node == null || node.isMissingNode()) {
      throw new CliFailure(ExitCodes.USAGE, "--input is empty; give a JSON object such as '{\"cluster\": \"main\"}'");
    }
    if (!(node instanceof ObjectNode object)) {
      throw new CliFailure(ExitCodes.USAGE, "--input must be a JSON object ({...}), got " + node.getNodeType()
          .name().toLowerCase());
    }
    return object;
  }

  @Override
  int run(TemporalSession session) {
    WorkflowClient client = session.client;
    WorkflowExecution execution;
    try {
      execution = RunStarts.startChecked(client, type, id, input);
    } catch (RunConflict e) {
      throw new CliFailure(ExitCodes.FAILED, e.getMessage() + "; see: runbooks status " + Shell.quote(id)
          + temporal.connectionArgs());
    }
    out().println("started " + type + " " + id);
    out().println("  workflow id  " + id);
    out().println("  run id       " + execution.getRunId());
    out().println("  Temporal UI  " + temporal.uiLink(id));
    if (!await) {
      out().println("follow it with: runbooks status " + Shell.quote(id) + temporal.connectionArgs());
      return ExitCodes.OK;
    }
    out().println("waiting for the result, showing progress (Ctrl-C stops waiting, not the run) ...");
    out().flush();
    WorkflowStub run = client.newUntypedWorkflowStub(id, Optional.of(execution.getRunId()), Optional.of(type));
    LiveProgress live = new LiveProgress();
    JsonNode result;
    while (true) {
      try {
        result = run.getResult(POLL.toMillis(), TimeUnit.MILLISECONDS, JsonNode.class);
        break;
      } catch (TimeoutException stillRunning) {
        String line = live.next(progress(run), beats(client, run));
        if (line != null) {
          out().println(line);
          out().flush();
        }
      } catch (WorkflowException e) {
        out().println("outcome: FAILED");
        err().println(id + " failed: " + PlainWords.failure(e));
        return ExitCodes.FAILED;
      }
    }
    return printOutcome(result);
  }

  /** The run's progress query answer, or null while it cannot answer (no worker yet, first task pending). */
  private static JsonNode progress(WorkflowStub run) {
    try {
      return run.query("progress", JsonNode.class);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The run's running activities with their latest heartbeat details (percent, a sentence). */
  private static List<LiveProgress.Beat> beats(WorkflowClient client, WorkflowStub run) {
    List<LiveProgress.Beat> out = new ArrayList<>();
    try {
      DataConverter converter = client.getOptions().getDataConverter();
      for (PendingActivityInfo a : run.describe().getRawDescription().getPendingActivitiesList()) {
        JsonNode details = null;
        if (a.hasHeartbeatDetails() && a.getHeartbeatDetails().getPayloadsCount() > 0) {
          try {
            details = converter.fromPayloads(0, Optional.of(a.getHeartbeatDetails()), JsonNode.class, JsonNode.class);
          } catch (RuntimeException undecodable) {
            // Shown without its detail.
          }
        }
        out.add(new LiveProgress.Beat(a.getActivityType().getName(), details));
      }
    } catch (RuntimeException e) {
      // Progress is a courtesy: the result decides the exit code.
    }
    return out;
  }

  private int printOutcome(JsonNode result) {
    JsonNode report = result == null ? null : result.get("report");
    if (report == null || report.isNull()) {
      out().println("outcome: COMPLETED (no report)");
      out().println(String.valueOf(result));
      return ExitCodes.OK;
    }
    String outcome = report.path("outcome").asText("COMPLETED");
    out().println("outcome: " + outcome);
    out().println("summary: " + report.path("summary").asText(""));
    return UNSUCCESSFUL.contains(outcome) ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
