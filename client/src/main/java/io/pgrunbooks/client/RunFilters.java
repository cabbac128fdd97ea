package io.pgrunbooks.client;

import io.pgrunbooks.workflows.common.RunbookState;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.pgrunbooks.workflows.partitionmaintenance.PartitionBatchWorkflow;
import io.pgrunbooks.workflows.registry.Runbooks;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributeKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finding runs through the visibility search attributes of the contract (CLI {@code list}, API
 * {@code GET /runs}). Filter values are checked before they go into a query string.
 */
public final class RunFilters {
  private static final Pattern SAFE_VALUE = Pattern.compile("[^'\"\\\\]+");

  private RunFilters() {}

  /**
   * The visibility query; without a type filter, any contract workflow type. Null filters are left out.
   *
   * @throws InputProblem naming the filter (state, type or cluster) that is not valid
   */
  public static String query(String type, String cluster, String state) {
    List<InputProblem.Field> problems = new ArrayList<>();
    String st = state == null ? null : state.toUpperCase(Locale.ROOT);
    if (st != null && Arrays.stream(RunbookState.values()).noneMatch(s -> s.name().equals(st))) {
      problems.add(new InputProblem.Field("state", "unknown state \"" + state + "\"; valid states: "
          + Arrays.stream(RunbookState.values()).map(Enum::name).collect(Collectors.joining(", "))));
    }
    if (type != null && !Runbooks.types().contains(type)) {
      problems.add(new InputProblem.Field("type", "unknown workflow type \"" + type + "\"; valid types: "
          + String.join(", ", Runbooks.types())));
    }
    if (cluster != null && !SAFE_VALUE.matcher(cluster).matches()) {
      problems.add(new InputProblem.Field("cluster", "cluster may not contain quotes or backslashes"));
    }
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
    List<String> terms = new ArrayList<>();
    if (type != null) {
      terms.add(SearchAttributes.TYPE.getName() + " = '" + type + "'");
    } else {
      // PartitionMaintenance's batch children are listed too: each may wait for its own drop approval.
      terms.add("WorkflowType IN (" + java.util.stream.Stream.concat(Runbooks.types().stream(),
              java.util.stream.Stream.of(PartitionBatchWorkflow.TYPE)).map(t -> "'" + t + "'")
          .collect(Collectors.joining(", ")) + ")");
    }
    if (cluster != null) {
      terms.add(SearchAttributes.CLUSTER.getName() + " = '" + cluster + "'");
    }
    if (st != null) {
      terms.add(SearchAttributes.STATE.getName() + " = '" + st + "'");
    }
    return String.join(" AND ", terms);
  }

  /** The run's type: its search attribute, else Temporal's workflow type. */
  public static String type(WorkflowExecutionMetadata m) {
    String t = attr(m, SearchAttributes.TYPE);
    return t != null ? t : m.getWorkflowType();
  }

  /**
   * The runbook's own state; when the run was ended from outside (terminated, timed out, canceled)
   * before it could record a final state, Temporal's status says more.
   */
  public static String state(WorkflowExecutionMetadata m) {
    String s = attr(m, SearchAttributes.STATE);
    String temporalStatus = temporalStatus(m);
    boolean closed = !temporalStatus.equals("RUNNING");
    if (s == null) {
      return temporalStatus;
    }
    boolean finalState = Arrays.stream(RunbookState.values()).anyMatch(r -> r.name().equals(s) && r.isFinal());
    return closed && !finalState ? temporalStatus : s;
  }

  public static String temporalStatus(WorkflowExecutionMetadata m) {
    return m.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  public static String attr(WorkflowExecutionMetadata m, SearchAttributeKey<String> key) {
    return m.getTypedSearchAttributes().containsKey(key) ? m.getTypedSearchAttributes().get(key) : null;
  }
}
