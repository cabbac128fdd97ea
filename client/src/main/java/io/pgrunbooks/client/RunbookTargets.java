package io.pgrunbooks.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.registry.InputErrors;
import io.pgrunbooks.workflows.registry.RunbookSpec;
import io.pgrunbooks.workflows.registry.Runbooks;
import java.util.ArrayList;
import java.util.List;

/**
 * The target fields of each workflow type's input and the workflow id a run started by hand gets
 * (DESIGN.md section 4), read from its {@link RunbookSpec}; shared by the CLI and the REST API.
 */
public final class RunbookTargets {
  /** Whether runs of this type take the cluster's topology lock (DESIGN.md invariant 4). */
  public static boolean topologyLocked(String type) {
    RunbookSpec spec = Runbooks.get(type);
    return spec != null && spec.topologyLocked();
  }

  private RunbookTargets() {}

  /**
   * Refuses an input lacking a required field (for alternatives {@code "a|b"}: all of them), or holding
   * one that is not a non-empty string; names each.
   */
  public static void checkRequired(String type, ObjectNode input) {
    List<InputProblem.Field> problems = InputErrors.requiredProblems(spec(type), input).stream()
        .map(p -> new InputProblem.Field(p.field(), p.message())).toList();
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
  }

  /** The by-hand workflow id; the input has passed {@link #checkRequired}. */
  public static String workflowId(String type, ObjectNode in) {
    try {
      return spec(type).workflowId(field -> in.hasNonNull(field) ? s(in, field) : null);
    } catch (RunbookSpec.MissingIdField e) {
      throw InputProblem.of(e.field(), e.getMessage());
    }
  }

  /** What the run acts on, for people: "main", "main/app", "main/app/public.t_2025_01". */
  public static String describe(String type, ObjectNode in) {
    List<String> parts = new ArrayList<>();
    for (String field : spec(type).target()) {
      String[] choices = field.split("\\|");
      for (String choice : choices) {
        if (in.hasNonNull(choice) || choice.equals(choices[choices.length - 1])) {
          parts.add(s(in, choice));
          break;
        }
      }
    }
    return String.join("/", parts);
  }

  /** "HealthCheck of main (dry run), requested by alice: weekly check": the run's static summary. */
  public static String summary(String type, ObjectNode input) {
    StringBuilder s = new StringBuilder(type).append(" of ").append(describe(type, input));
    if (input.path("dryRun").asBoolean(false)) {
      s.append(" (dry run)");
    }
    String who = input.path("requestedBy").asText("");
    if (!who.isBlank()) {
      s.append(", requested by ").append(who);
    }
    String why = input.path("reason").asText("");
    if (!why.isBlank()) {
      s.append(": ").append(why);
    }
    return s.toString();
  }

  private static RunbookSpec spec(String type) {
    RunbookSpec spec = Runbooks.get(type);
    if (spec == null) {
      throw new IllegalArgumentException(type);
    }
    return spec;
  }

  private static String s(ObjectNode in, String field) {
    return in.path(field).asText();
  }
}
