package io.pgrunbooks.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds the tree to the records. Jackson stops at the first mismatch, so each failure is reported
 * with its path, the offending node removed, and binding retried: all mistakes show in one go.
 */
final class Binder {
  private static final int MAX_ATTEMPTS = 200;

  private Binder() {}

  static RunbooksConfig bind(ObjectMapper mapper, ObjectNode tree, Problems problems) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return mapper.readerFor(RunbooksConfig.class).readValue(tree);
      } catch (JsonMappingException e) {
        List<JsonMappingException.Reference> refs = e.getPath();
        problems.add(path(refs), describe(e, at(tree, refs)));
        if (!remove(tree, refs)) {
          return null;
        }
      } catch (IOException e) {
        problems.add("config", String.valueOf(e.getMessage()));
        return null;
      }
    }
    return null;
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    String p = "";
    for (JsonMappingException.Reference r : refs) {
      p = r.getFieldName() != null ? Problems.child(p, r.getFieldName()) : Problems.index(p, r.getIndex());
    }
    return p.isEmpty() ? "config" : p;
  }

  private static String describe(JsonMappingException e, JsonNode actual) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field (known: " + known(u) + ")";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String expected = expected(m.getTargetType());
      if (actual != null && actual.isFloatingPointNumber() && expected.equals("a number")) {
        expected = "a whole number";
      }
      return "expected " + expected + ", got " + shown(actual);
    }
    if (e instanceof ValueInstantiationException && e.getCause() != null) {
      return "invalid value: " + e.getCause().getMessage();
    }
    String msg = e.getOriginalMessage();
    return msg == null ? e.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
  }

  private static String known(UnrecognizedPropertyException u) {
    Class<?> owner = u.getReferringClass();
    if (owner != null && owner.isRecord()) {
      return Arrays.stream(owner.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "));
    }
    Collection<Object> ids = u.getKnownPropertyIds();
    return ids == null ? "" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == long.class || type == double.class || type == short.class
        || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Duration.class) {
      return "a duration such as 500ms, 30s, 15m, 24h, 2d or PT24H";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return "a mapping";
  }

  private static String shown(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "nothing";
    }
    if (node.isTextual()) {
      return "\"" + node.textValue() + "\"";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.asText();
  }

  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> refs) {
    JsonNode node = root;
    for (JsonMappingException.Reference r : refs) {
      if (node == null) {
        return null;
      }
      node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
    }
    return node;
  }

  // Array elements become null rather than disappearing so that later indexes in messages stay right.
  private static boolean remove(ObjectNode root, List<JsonMappingException.Reference> refs) {
    if (refs.isEmpty()) {
      return false;
    }
    JsonNode parent = at(root, refs.subList(0, refs.size() - 1));
    JsonMappingException.Reference last = refs.get(refs.size() - 1);
    if (parent instanceof ObjectNode obj && last.getFieldName() != null && obj.has(last.getFieldName())) {
      obj.remove(last.getFieldName());
      return true;
    }
    if (parent instanceof ArrayNode arr && last.getIndex() >= 0 && last.getIndex() < arr.size()
        && !arr.get(last.getIndex()).isNull()) {
      arr.set(last.getIndex(), NullNode.getInstance());
      return true;
    }
    return false;
  }
}
