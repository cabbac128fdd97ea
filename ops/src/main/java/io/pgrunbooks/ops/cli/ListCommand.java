package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.client.RunFilters;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributeKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runbooks list}: runs found through the visibility search attributes of the contract. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"List runbook runs, newest first, filtered by the search attributes RunbookState, "
        + "RunbookCluster and RunbookType.",
        "Visibility is eventually consistent: a run started a moment ago may take a second to show."},
    exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
        "0:listed (also when nothing matches)",
        "2:bad usage: unknown state or type, a bad limit",
        "3:namespace not found or Temporal unreachable"})
final class ListCommand extends TemporalCommand {
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  @Option(names = "--state", description = "RUNNING, AWAITING_APPROVAL, COMPLETED, REJECTED, TIMED_OUT, FAILED or SKIPPED.")
  String state;

  @Option(names = "--cluster", description = "Only runs on this cluster.")
  String cluster;

  @Option(names = "--type", paramLabel = "<WorkflowType>", description = "Only runs of this workflow type.")
  String type;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Mixin
  OutputOptions output;

  private String query;

  @Override
  void validate() {
    try {
      query = RunFilters.query(type, cluster, state);
    } catch (InputProblem e) {
      throw new CliFailure(ExitCodes.USAGE, e.getMessage().replace("cluster may not", "--cluster may not"));
    }
    if (limit < 1) {
      throw new CliFailure(ExitCodes.USAGE, "--limit must be at least 1");
    }
  }

  /** The visibility query for the filters given; without a type filter, any contract workflow type. */
  String query() {
    return RunFilters.query(type, cluster, state);
  }

  @Override
  int run(TemporalSession session) throws JsonProcessingException {
    List<WorkflowExecutionMetadata> runs = session.client.listExecutions(query).limit(limit).toList();
    if (output.structured()) {
      ArrayNode array = JSON.createArrayNode();
      for (WorkflowExecutionMetadata m : runs) {
        ObjectNode o = array.addObject();
        o.put("workflowId", m.getExecution().getWorkflowId());
        o.put("runId", m.getExecution().getRunId());
        o.put("type", type(m));
        o.put("cluster", attr(m, SearchAttributes.CLUSTER));
        o.put("target", attr(m, SearchAttributes.TARGET));
        o.put("state", state(m));
        o.put("temporalStatus", temporalStatus(m));
        o.put("startTime", String.valueOf(m.getStartTime()));
        o.put("closeTime", m.getCloseTime() == null ? null : m.getCloseTime().toString());
      }
      out().println(output.render(array));
      return ExitCodes.OK;
    }
    if (runs.isEmpty()) {
      out().println("no runs match: " + query);
      return ExitCodes.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (WorkflowExecutionMetadata m : runs) {
      rows.add(List.of(m.getExecution().getWorkflowId(), type(m), Text.orDash(attr(m, SearchAttributes.CLUSTER)),
          Text.orDash(attr(m, SearchAttributes.TARGET)), state(m), Text.time(m.getStartTime())));
    }
    Text.table(List.of("WORKFLOW ID", "TYPE", "CLUSTER", "TARGET", "STATE", "STARTED"), rows)
        .forEach(out()::println);
    out().println(runs.size() + (runs.size() == 1 ? " run" : " runs")
        + (runs.size() == limit ? " (limit reached; raise --limit to see more)" : ""));
    return ExitCodes.OK;
  }

  private static String type(WorkflowExecutionMetadata m) {
    return RunFilters.type(m);
  }

  private static String state(WorkflowExecutionMetadata m) {
    return RunFilters.state(m);
  }

  private static String temporalStatus(WorkflowExecutionMetadata m) {
    return RunFilters.temporalStatus(m);
  }

  private static String attr(WorkflowExecutionMetadata m, SearchAttributeKey<String> key) {
    return RunFilters.attr(m, key);
  }
}
