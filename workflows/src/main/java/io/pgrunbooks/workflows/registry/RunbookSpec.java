package io.pgrunbooks.workflows.registry;

import io.pgrunbooks.workflows.runbook.Runbook;
import io.temporal.workflow.WorkflowMethod;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the rest of the system needs to know about one runbook, declared once in {@link
 * Runbooks#ALL}: worker registration, the by-hand workflow id, the CLI's and the API's input checks
 * and catalog, the config's schedule and approval checks, the replay and README consistency test
 * all read it from here.
 *
 * @param type registered workflow type, read from the workflow interface's {@code @WorkflowMethod(name)}
 * @param description one line for the CLI help and the API catalog
 * @param workflow the workflow interface
 * @param implementation the class the worker registers
 * @param input the input record (its components are the JSON fields)
 * @param result the result type
 * @param idPattern by-hand workflow id, {@code {field}} placeholders name input fields:
 *     {@code archive-partition:{cluster}:{database}:{partition}}; {@code {a|b}}: a, else b
 * @param required target fields that must be non-empty strings; {@code "a|b"}: at least one of them
 * @param target fields that name what a run acts on, for people ({@code "a|b"}: a, else b)
 * @param defaults what applies when an optional field is left out, for the catalog
 * @param scheduleNeeds what a schedule's input must name that the config can check
 * @param destructive whether a run can destroy something (and so asks for approval)
 * @param topologyLocked whether a run takes the cluster's topology lock (DESIGN.md invariant 4)
 * @param partitionsOnly whether it acts only on partitions of configured parents (DESIGN.md invariant 3),
 *     so the database its input or a pre-approval names must be configured
 * @param docs the runbook's page, relative to the repository root ({@code ops/docs/backup.md#anchor})
 * @param idFieldHint why an optional id field must be given when it is missing (null when all id fields are required)
 */
public record RunbookSpec(
    String type,
    String description,
    Class<? extends Runbook> workflow,
    Class<? extends Runbook> implementation,
    Class<? extends Record> input,
    Class<?> result,
    String idPattern,
    List<String> required,
    List<String> target,
    Map<String, String> defaults,
    List<ScheduleNeed> scheduleNeeds,
    boolean destructive,
    boolean topologyLocked,
    boolean partitionsOnly,
    String docs,
    String idFieldHint) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z|]+)}");

  /** What the config can check in a schedule's input before Temporal ever starts it. */
  public enum ScheduleNeed {
    /** {@code input.cluster} names a configured cluster. */
    CLUSTER,
    /** {@code input.database} is given. */
    DATABASE,
    /** {@code input.database} is given and has partition policies in the cluster's config. */
    PARTITIONED_DATABASE
  }

  public RunbookSpec {
    required = List.copyOf(required);
    target = List.copyOf(target);
    defaults = Map.copyOf(defaults);
    scheduleNeeds = List.copyOf(scheduleNeeds);
    String declared = workflowTypeOf(workflow);
    if (!declared.equals(type)) {
      throw new IllegalStateException(type + ": its workflow interface registers \"" + declared + "\"");
    }
    if (!workflow.isAssignableFrom(implementation)) {
      throw new IllegalStateException(type + ": " + implementation.getName() + " does not implement " + workflow.getName());
    }
    List<String> fields = Arrays.stream(input.getRecordComponents()).map(RecordComponent::getName).toList();
    List<String> named = new ArrayList<>(defaults.keySet());
    required.forEach(t -> named.addAll(List.of(t.split("\\|"))));
    idFields(idPattern).forEach(t -> named.addAll(List.of(t.split("\\|"))));
    target.forEach(t -> named.addAll(List.of(t.split("\\|"))));
    for (String field : named) {
      if (!fields.contains(field)) {
        throw new IllegalStateException(type + ": names field \"" + field + "\" that " + input.getSimpleName()
            + " does not have (its fields: " + fields + ")");
      }
    }
  }

  /** A spec with the given identity and no optional parts; chain the {@code with...} methods for the rest. */
  public static RunbookSpec of(Class<? extends Runbook> workflow, Class<? extends Runbook> implementation,
                               Class<? extends Record> input, Class<?> result, String description, String idPattern,
                               String... required) {
    List<String> req = List.of(required);
    return new RunbookSpec(workflowTypeOf(workflow), description, workflow, implementation, input, result, idPattern,
        req, req, Map.of(), List.of(ScheduleNeed.CLUSTER), false, false, false, null, null);
  }

  /** The fields naming what a run acts on (default: the required ones). */
  public RunbookSpec withTarget(String... fields) {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required,
        List.of(fields), defaults, scheduleNeeds, destructive, topologyLocked, partitionsOnly, docs, idFieldHint);
  }

  /** Defaults of optional fields for the catalog, as pairs: field, text. */
  public RunbookSpec withDefaults(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        map, scheduleNeeds, destructive, topologyLocked, partitionsOnly, docs, idFieldHint);
  }

  public RunbookSpec withScheduleNeeds(ScheduleNeed... needs) {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, List.of(needs), destructive, topologyLocked, partitionsOnly, docs, idFieldHint);
  }

  public RunbookSpec markDestructive() {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, scheduleNeeds, true, topologyLocked, partitionsOnly, docs, idFieldHint);
  }

  public RunbookSpec markTopologyLocked() {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, scheduleNeeds, destructive, true, partitionsOnly, docs, idFieldHint);
  }

  public RunbookSpec markPartitionsOnly() {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, scheduleNeeds, destructive, topologyLocked, true, docs, idFieldHint);
  }

  public RunbookSpec withDocs(String path) {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, scheduleNeeds, destructive, topologyLocked, partitionsOnly, path, idFieldHint);
  }

  public RunbookSpec withIdFieldHint(String hint) {
    return new RunbookSpec(type, description, workflow, implementation, input, result, idPattern, required, target,
        defaults, scheduleNeeds, destructive, topologyLocked, partitionsOnly, docs, hint);
  }

  /** The first of each required field's alternatives: what the catalog marks required. */
  public List<String> requiredFields() {
    return required.stream().map(r -> r.split("\\|")[0]).toList();
  }

  /** The input fields the id pattern names, in order ({@code "a|b"} for alternatives). */
  public List<String> idFields() {
    return idFields(idPattern);
  }

  /**
   * The by-hand workflow id, each placeholder replaced by the field's value.
   *
   * @param field the value of an input field, null or blank when absent
   * @throws IllegalArgumentException naming the missing field (with {@link #idFieldHint}) when one is absent
   */
  public String workflowId(Function<String, String> field) {
    Matcher m = PLACEHOLDER.matcher(idPattern);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String[] choices = m.group(1).split("\\|");
      String value = null;
      for (int i = 0; i < choices.length && (value == null || value.isBlank()); i++) {
        value = field.apply(choices[i]);
      }
      if (value == null || value.isBlank()) {
        throw new MissingIdField(choices[0], idFieldHint != null ? type + ": " + idFieldHint
            : type + " needs field \"" + choices[0] + "\" for its workflow id");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The workflow id prefix: {@code archive-partition} (what every run of this runbook's id starts with). */
  public String idPrefix() {
    return idPattern.substring(0, idPattern.indexOf(':'));
  }

  /** Thrown by {@link #workflowId} when a field the id needs is absent. */
  public static final class MissingIdField extends IllegalArgumentException {
    private final String field;

    MissingIdField(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  private static List<String> idFields(String pattern) {
    List<String> out = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(pattern);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static String workflowTypeOf(Class<?> workflow) {
    for (Method method : workflow.getMethods()) {
      WorkflowMethod wm = method.getAnnotation(WorkflowMethod.class);
      if (wm != null) {
        return wm.name().isEmpty() ? workflow.getSimpleName() : wm.name();
      }
    }
    throw new IllegalStateException(workflow.getName() + " has no @WorkflowMethod");
  }
}
