package io.pgrunbooks.api.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.client.InputProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The body of a vote, {@code {"decision": "approve"|"reject", "comment": "..."}}, checked before the
 * run is asked. It has no approver field: the approver is the authenticated user.
 *
 * @param comment stripped; null when absent or blank
 */
record DecisionBody(boolean approve, String comment) {
  private static final Set<String> FIELDS = Set.of("decision", "comment");

  /** @throws InputProblem naming each bad field (a rejection without comment among them) */
  static DecisionBody parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw InputProblem.of("body", "the body must be {\"decision\": \"approve\"|\"reject\", \"comment\": \"...\"}");
    }
    List<InputProblem.Field> problems = new ArrayList<>();
    body.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        problems.add(new InputProblem.Field(f, "unknown field \"" + f + "\"; the approver is the authenticated "
            + "user, the body holds only decision and comment"));
      }
    });
    String decision = body.path("decision").asText(null);
    if (!"approve".equals(decision) && !"reject".equals(decision)) {
      problems.add(new InputProblem.Field("decision", "\"decision\" must be \"approve\" or \"reject\""));
    }
    String comment = body.path("comment").isTextual() ? body.path("comment").asText().strip() : "";
    if ("reject".equals(decision) && comment.isEmpty()) {
      problems.add(new InputProblem.Field("comment", "a rejection needs a comment saying why (it goes into the "
          + "run's report)"));
    }
    if (!problems.isEmpty()) {
      throw new InputProblem(problems);
    }
    return new DecisionBody("approve".equals(decision), comment.isEmpty() ? null : comment);
  }
}
