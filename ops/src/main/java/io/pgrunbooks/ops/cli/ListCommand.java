package io.pgrunbooks.ops.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributeKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
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
  private static final Pattern SAFE_VALUE = Pattern.compile("[^'\"\\\\]+");
  private static final ObjectMapper JSON = DataConverters.objectMapper();

  @Option(names = "--state", description = "RUNNING, AWAITING_APPROVAL, COMPLETED, REJECTED, TIMED_OUT, FAILED or SKIPPED.")
  String state;

  @Option(names = "--cluster", description = "Only runs on this cluster.")
  String cluster;

  @Option(names = "--type", paramLabel = "<WorkflowType>", description = "Only runs of this workflow type.")
  String type;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print machine-readable JSON instead of a table.")
  boolean json;

  @Override
  void validate() {
    if (state != null) {
      state = state.toUpperCase(Locale.ROOT);
      if (Arrays.stream(RunbookState.values()).noneMatch(s -> s.name().equals(state))) {
        throw new CliFailure(ExitCodes.USAGE, "unknown state \"" + state + "\"; valid states: "
            + Arrays.stream(RunbookState.values()).map(Enum::name).collect(Collectors.joining(", ")));
      }
    }
    if (type != null && !WorkflowTypes.ALL.contains(type)) {
      throw new CliFailure(ExitCodes.USAGE, "unknown workflow type \"" + type + "\"; valid types: "
          + String.join(", ", WorkflowTypes.ALL));
    }
    if (cluster != null && !SAFE_VALUE.matcher(cluster).matches()) {
      throw new CliFailure(ExitCodes.USAGE, "--cluster may not contain quotes or backslashes");
    }
    if (limit < 1) {
      throw new CliFailure(ExitCodes.USAGE, "--limit must be at least 1");
    }
  }

  /** The visibility query for the filters given; without a type filter, any contract workflow type. */
  String query() {
    List<String> terms = new ArrayList<>();
    if (type != null) {
      terms.add(SearchAttributes.TYPE.getName() + " = '" + type + "'");
    } else {
      terms.add("WorkflowType IN (" + WorkflowTypes.ALL.stream().map(t -> "'" + t + "'")
          .collect(Collectors.joining(", ")) + ")");
    }
    if (cluster != null) {
      terms.add(SearchAttributes.CLUSTER.getName() + " = '" + cluster + "'");
    }
    if (state != null) {
      terms.add(SearchAttributes.STATE.getName() + " = '" + state + "'");
    }
    return String.join(" AND ", terms);
  }

  @Override
  int run(TemporalSession session) throws JsonProcessingException {
    String query = query();
    List<WorkflowExecutionMetadata> runs = session.client.listExecutions(query).limit(limit).toList();
    if (json) {
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
      out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
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
    String t = attr(m, SearchAttributes.TYPE);
    return t != null ? t : m.getWorkflowType();
  }

  /**
   * The runbook's own state; when the run was ended from outside (terminated, timed out, canceled)
   * before it could record a final state, Temporal's status says more.
   */
  private static String state(WorkflowExecutionMetadata m) {
    String s = attr(m, SearchAttributes.STATE);
    String temporalStatus = temporalStatus(m);
    boolean closed = !temporalStatus.equals("RUNNING");
    if (s == null) {
      return temporalStatus;
    }
    boolean finalState = Arrays.stream(RunbookState.values()).anyMatch(r -> r.name().equals(s) && r.isFinal());
    return closed && !finalState ? temporalStatus : s;
  }

  private static String temporalStatus(WorkflowExecutionMetadata m) {
    return m.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  private static String attr(WorkflowExecutionMetadata m, SearchAttributeKey<String> key) {
    return m.getTypedSearchAttributes().containsKey(key) ? m.getTypedSearchAttributes().get(key) : null;
  }
}
