package io.pgrunbooks.workflows.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.common.DataConverters;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one place that says, as sentences, what is wrong with a runbook's input, read from the input
 * record of its {@link RunbookSpec} in {@link Runbooks#ALL}. The CLI, the REST API and the worker's data
 * converter (a run started from the Temporal UI) all refuse bad input with these words:
 * {@code unknown input field "dryrun" for ArchivePartition; did you mean "dryRun"? Its fields: ...}.
 */
public final class InputErrors {
  /** One bad field (null for the input as a whole) and the sentence saying what is wrong. */
  public record Problem(String field, String message) {}

  private static final ObjectMapper JSON = DataConverters.objectMapper();

  /**
   * Input fields that only a parent runbook sets on its child (a delegation of its approval, the first round of a
   * batch): accepted when given, never offered to a person in the list of fields or as a suggestion.
   */
  public static final Set<String> PARENT_ONLY = Set.of("delegatedApproval", "evidenceOnly");

  private InputErrors() {}

  /**
   * Every problem of {@code input} for runbook {@code type}: unknown fields (with the closest
   * accepted name), values of the wrong JSON type, missing or blank required fields. Empty when the
   * input binds and names its targets.
   *
   * @throws IllegalArgumentException when {@code type} is not a runbook
   */
  public static List<Problem> check(String type, JsonNode input) {
    RunbookSpec spec = spec(type);
    List<Problem> problems = new ArrayList<>(bindingProblems(spec, input));
    if (!input.isObject()) {
      return problems;
    }
    for (Problem p : requiredProblems(spec, input)) {
      if (problems.stream().noneMatch(q -> q.field() != null && q.field().equals(p.field()))) {
        problems.add(p);
      }
    }
    return problems;
  }

  /**
   * What the data converter cannot bind: a value that is not an object, unknown fields and values
   * of the wrong type (required fields are the workflow's own check).
   */
  public static List<Problem> bindingProblems(RunbookSpec spec, JsonNode input) {
    String type = spec.type();
    if (!input.isObject()) {
      return List.of(new Problem(null, "the input of " + type + " must be a JSON object ({...}), got "
          + input.getNodeType().name().toLowerCase(Locale.ROOT)));
    }
    Map<String, RecordComponent> components = components(spec);
    List<Problem> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      RecordComponent c = components.get(f.getKey());
      if (c == null) {
        problems.add(new Problem(f.getKey(), unknownField(type, f.getKey(), offered(components.keySet()))));
      } else if (!f.getValue().isNull() && !binds(c, f.getValue())) {
        problems.add(new Problem(f.getKey(), "field \"" + f.getKey() + "\" of " + type + " must be "
            + expected(c.getGenericType()) + ", got " + f.getValue()));
      }
    }
    return problems;
  }

  /** Missing required fields (for alternatives {@code "a|b"}: all of them) and required fields that are not non-empty strings. */
  public static List<Problem> requiredProblems(RunbookSpec spec, JsonNode input) {
    String type = spec.type();
    List<String> missing = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (String entry : spec.required()) {
      boolean given = false;
      for (String field : entry.split("\\|")) {
        JsonNode v = input.get(field);
        if (v == null || v.isNull()) {
          continue;
        }
        given = true;
        if (!v.isTextual() || v.asText().isBlank()) {
          problems.add(new Problem(field, "field \"" + field + "\" of " + type + " must be a non-empty string, got " + v));
        }
      }
      if (!given) {
        missing.add(entry);
      }
    }
    if (!problems.isEmpty() || missing.isEmpty()) {
      return problems;
    }
    String text = type + " needs " + (missing.size() == 1 ? "field " : "fields ")
        + String.join(", ", missing.stream().map(InputErrors::quoted).toList()) + " in its input (required: "
        + String.join(", ", spec.required().stream().map(r -> r.replace("|", " or ")).toList()) + ")";
    return missing.stream().map(f -> new Problem(f.split("\\|")[0], text)).toList();
  }

  /** {@code unknown input field "dryrun" for ArchivePartition; did you mean "dryRun"? Its fields: cluster, ...}. */
  public static String unknownField(String type, String field, Collection<String> accepted) {
    String suggestion = closest(field, accepted);
    return "unknown input field \"" + field + "\" for " + type
        + (suggestion == null ? "" : "; did you mean \"" + suggestion + "\"?")
        + (suggestion == null ? "; its" : " Its") + " fields: " + String.join(", ", accepted);
  }

  /** {@code the input of HealthCheck is not valid JSON at line 1, column 9: ...}, from Jackson's parse error. */
  public static String malformed(String what, JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    return what + " is not valid JSON" + where + ": " + e.getOriginalMessage();
  }

  /**
   * The runbook whose input record is {@code inputClass}, or null: what the data converter asks
   * before it translates a binding failure.
   */
  public static RunbookSpec runbookOfInput(Type inputClass) {
    return Runbooks.ALL.stream().filter(s -> s.input().equals(inputClass)).findFirst().orElse(null);
  }

  /**
   * The accepted name closest to {@code given} by edit distance (ignoring case), or null when none is
   * close enough to be what was meant.
   */
  public static String closest(String given, Collection<String> accepted) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String g = given.toLowerCase(Locale.ROOT);
    for (String a : accepted) {
      int d = distance(g, a.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, given.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** "a number", "true or false", "a list of strings", ...: what a field of this Java type takes in JSON. */
  public static String expected(Type t) {
    if (t instanceof ParameterizedType p && (p.getRawType() == List.class || p.getRawType() == java.util.Set.class)) {
      return "a list of " + plural(p.getActualTypeArguments()[0]);
    }
    if (t instanceof ParameterizedType p && p.getRawType() == Map.class) {
      return "an object of " + plural(p.getActualTypeArguments()[1]);
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "a whole number";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return "a number";
    }
    if (t == String.class) {
      return "a string";
    }
    return "an object";
  }

  private static String plural(Type t) {
    String one = expected(t);
    return switch (one) {
      case "a string" -> "strings";
      case "a whole number" -> "whole numbers";
      case "a number" -> "numbers";
      case "true or false" -> "booleans";
      default -> "objects";
    };
  }

  private static boolean binds(RecordComponent c, JsonNode value) {
    if (c.getType() == String.class) {
      return value.isTextual();
    }
    if ((c.getType() == boolean.class || c.getType() == Boolean.class) && !value.isBoolean()) {
      // Jackson would take "true" or 1; a person who typed "yes" must hear it, so be strict.
      return false;
    }
    Class<?> t = boxed(c.getType());
    if (Number.class.isAssignableFrom(t) && !value.isNumber()) {
      return false;
    }
    if ((t == Integer.class || t == Long.class) && !value.isIntegralNumber()) {
      return false;
    }
    try {
      JSON.convertValue(value, JSON.constructType(c.getGenericType()));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static Class<?> boxed(Class<?> c) {
    if (c == int.class) {
      return Integer.class;
    }
    if (c == long.class) {
      return Long.class;
    }
    if (c == double.class) {
      return Double.class;
    }
    return c;
  }

  /** The fields a person may set: all but {@link #PARENT_ONLY}, in the record's order. */
  private static List<String> offered(Collection<String> fields) {
    return fields.stream().filter(f -> !PARENT_ONLY.contains(f)).toList();
  }

  private static Map<String, RecordComponent> components(RunbookSpec spec) {
    Map<String, RecordComponent> out = new LinkedHashMap<>();
    Arrays.stream(spec.input().getRecordComponents()).forEach(c -> out.put(c.getName(), c));
    return out;
  }

  private static RunbookSpec spec(String type) {
    RunbookSpec spec = Runbooks.get(type);
    if (spec == null) {
      throw new IllegalArgumentException("unknown runbook \"" + type + "\"; valid: " + String.join(", ", Runbooks.types()));
    }
    return spec;
  }

  private static String quoted(String entry) {
    return String.join(" or ", Arrays.stream(entry.split("\\|")).map(f -> "\"" + f + "\"").toList());
  }
}
