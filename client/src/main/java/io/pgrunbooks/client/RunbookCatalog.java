package io.pgrunbooks.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.registry.InputErrors;
import io.pgrunbooks.workflows.registry.RunbookSpec;
import io.pgrunbooks.workflows.registry.Runbooks;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runbooks a person can start: each workflow type with one line on what it does and its input
 * fields, derived from the input record itself (names, types), with the defaults the workflow
 * applies to a field left out; everything else comes from {@link Runbooks#ALL}.
 */
public final class RunbookCatalog {
  /** One input field: JSON name, JSON type, whether it must be given, and what applies when it is not. */
  public record Field(String name, String type, boolean required, String defaultValue) {}

  /** One runbook: its workflow type, what it does, its input record and fields, and an input that starts it. */
  public record Entry(String type, String description, Class<? extends Record> inputClass, List<Field> fields,
                      ObjectNode example) {}

  private static final ObjectMapper JSON = DataConverters.objectMapper();

  /** Example values of target fields, for the catalog's example inputs (the local stack's names). */
  private static final Map<String, String> EXAMPLES = Map.of(
      "cluster", "main",
      "database", "app",
      "partition", "public.agent_routing_metrics_2025_06",
      "manifestKey", "pg-runbooks/main/app/public/agent_routing_metrics/agent_routing_metrics_2025_06/manifest.json",
      "replica", "pg2",
      "promote", "pg2",
      "reason", "pg1's host is lost");

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    Runbooks.ALL.forEach(RunbookCatalog::entry);
  }

  private RunbookCatalog() {}

  private static void entry(RunbookSpec spec) {
    String type = spec.type();
    Class<? extends Record> input = spec.input();
    Map<String, String> given = new LinkedHashMap<>(spec.defaults());
    List<String> required = spec.requiredFields();
    List<Field> fields = new ArrayList<>();
    ObjectNode example = JSON.createObjectNode();
    for (RecordComponent c : input.getRecordComponents()) {
      boolean isRequired = required.contains(c.getName());
      String def = isRequired ? null : given.remove(c.getName());
      if (def == null && !isRequired) {
        def = c.getType() == boolean.class ? "false" : c.getName().equals("requestedBy")
            ? "the caller" : "none";
      }
      fields.add(new Field(c.getName(), jsonType(c.getGenericType()), isRequired, def));
      if (isRequired) {
        example.put(c.getName(), EXAMPLES.getOrDefault(c.getName(), "..."));
      }
    }
    if (!given.isEmpty()) {
      throw new IllegalStateException(type + ": defaults for fields its input does not have: " + given.keySet());
    }
    ENTRIES.put(type, new Entry(type, spec.description(), input, List.copyOf(fields), example));
  }

  /** Every runbook, in contract order. */
  public static List<Entry> all() {
    return List.copyOf(ENTRIES.values());
  }

  /** The runbook of this workflow type, or null. */
  public static Entry get(String type) {
    return ENTRIES.get(type);
  }

  /**
   * Checks an input as the workflow will read it, naming every bad field in {@link InputErrors}' sentences:
   * unknown fields (with the closest accepted name), wrong JSON types, missing or blank required fields.
   *
   * @throws InputProblem listing each bad field
   */
  public static void validate(String type, ObjectNode input) {
    if (!ENTRIES.containsKey(type)) {
      throw InputProblem.of("runbook", "unknown runbook \"" + type + "\"; valid: " + String.join(", ", ENTRIES.keySet()));
    }
    List<InputProblem.Field> problems = InputErrors.check(type, input).stream()
        .map(p -> new InputProblem.Field(p.field(), p.message())).toList();
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
  }

  private static String jsonType(Type t) {
    if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
      return "array of " + jsonType(p.getActualTypeArguments()[0]);
    }
    if (t == boolean.class || t == Boolean.class) {
      return "boolean";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "integer";
    }
    if (t == String.class) {
      return "string";
    }
    return "object";
  }
}
